"""``lawgov-nlp serve`` over HTTP: a real uvicorn server on a free port, a real index, real requests."""
from __future__ import annotations

import csv
import html as html_lib
import io
import re
import threading
import time
import urllib.parse

import pytest
from helpers import CORPUS, http_get

pytestmark = pytest.mark.slow  # the index fixture loads the USE encoder

OUTLINE = "gangyao-2021-2025-outline"


def test_search_finds_the_judged_clause_with_its_path_and_highlights(web_server):
    r = http_get(web_server, "/search", {"q": "证照分离"})
    assert r.status == 200 and r.headers["content-type"].startswith("text/html")
    assert "持续推动“<mark>证照分离</mark>”改革" in r.text  # highlighted where the clause has it
    assert "hebei-handan-district-plan-2021-2025" in r.text
    assert 'class="path"' in r.text and "permalink" in r.text
    assert re.search(r"search;dur=\d", r.headers["server-timing"])
    api = http_get(web_server, "/api/search", {"q": "证照分离"}).json()
    assert api["query"] == "证照分离" and api["results"][0]["highlights"] and set(api["results"][0]["scores"]) >= {"dense", "words", "chars"}


def test_filters_and_pagination(web_server):
    api = http_get(web_server, "/api/search", {"q": "行政复议", "region": "河北"}).json()
    assert api["results"] and all(x["doc_id"].startswith("hebei-") for x in api["results"])
    api = http_get(web_server, "/api/search", {"q": "行政复议", "type": "年度报告"}).json()
    assert {x["doc_id"] for x in api["results"]} <= {"hebei-funing-report-2023", "hunan-changde-approval-bureau-report-2021"}
    api = http_get(web_server, "/api/search", {"q": "行政复议", "from": 2020, "to": 2020}).json()
    assert {x["year"] for x in api["results"]} == {2020}
    api = http_get(web_server, "/api/search", {"q": "行政复议", "level": "national"}).json()
    assert {x["doc_id"] for x in api["results"]} <= {OUTLINE}
    api = http_get(web_server, "/api/search", {"q": "行政复议", "doc": "hebei-funing-report-2023"}).json()
    assert {x["doc_id"] for x in api["results"]} == {"hebei-funing-report-2023"}
    first = http_get(web_server, "/api/search", {"q": "行政", "page": 1}).json()["results"]
    second = http_get(web_server, "/api/search", {"q": "行政", "page": 2}).json()["results"]
    assert len(first) == 10 and second and second[0]["rank"] == 11 and not {x["clause_id"] for x in first} & {x["clause_id"] for x in second}
    page = http_get(web_server, "/search", {"q": "行政", "page": 2}).text
    assert 'rel="prev"' in page and 'start="11"' in page


@pytest.mark.parametrize("params, status, message", [
    ({"q": "x" * 201}, 400, "the limit is 200"),
    ({"q": "行政", "mode": "magic"}, 400, "must be one of hybrid"),
    ({"q": "行政", "page": 11}, 400, "between 1 and 10"),
    ({"q": "行政", "from": "20x"}, 400, "whole number"),
    ({"q": "！？。"}, 400, "only punctuation"),
    ({"q": "行政", "doc": "nope"}, 400, "not in this index"),
])
def test_bad_requests_get_a_4xx_and_one_line(web_server, params, status, message):
    for path in ("/search", "/api/search"):
        r = http_get(web_server, path, params)
        assert r.status == status and message in r.text and "Traceback" not in r.text
    err = http_get(web_server, "/api/search", params).json()["error"]
    assert "\n" not in err


def test_read_only_safe_headers_and_host_check(web_server):
    assert http_get(web_server, "/search", method="POST").status == 405
    assert http_get(web_server, "/documents/nope").status == 404
    assert http_get(web_server, "/no/such/page").status == 404
    r = http_get(web_server, "/search")
    assert "script-src 'self'" in r.headers["content-security-policy"] and r.headers["x-content-type-options"] == "nosniff"
    # a page reached through another host name (DNS rebinding) is refused
    assert http_get(web_server, "/api/documents", headers={"Host": "attacker.example"}).status == 400
    font = http_get(web_server, "/static/fonts/LawgovSansCJK-Regular.woff2")
    assert font.status == 200 and font.body[:4] == b"wOF2"


def test_hostile_document_text_is_escaped_everywhere(web_server):
    docs = http_get(web_server, "/documents").text
    assert "某县&lt;script&gt;window.__pwned=1&lt;/script&gt;法治政府建设工作要点" in docs
    page = http_get(web_server, "/documents/hostile").text
    for raw in ("<script>window", "<img src=x", "</textarea>", '<a href="javascript'):
        assert raw not in page
    assert "&lt;img src=x onerror=" in page and "{{7*7}} ${7*7}" in page
    # escape sequences and bidi overrides are shown, not obeyed (as in the terminal)
    assert "\x1b" not in page and "\u202e" not in page and "\u241b[31m" in page
    hits = http_get(web_server, "/search", {"q": "证照分离 放管服"}).text
    assert "<b>加粗</b>" not in hits and "&lt;b&gt;加粗&lt;/b&gt;" in hits


def test_document_page_has_the_tree_spans_and_cleaning_report(web_server):
    r = http_get(web_server, "/documents/hebei-handan-district-plan-2021-2025")
    assert r.status == 200
    assert r.text.count('<li id="c-hebei-handan-district-plan-2021-2025#') >= 30  # one anchor per clause, by its id
    assert "发挥行政复议化解行政争议主渠道作用" in r.text
    assert re.search(r"span \[\d+, \d+\)", r.text)
    # seed 002 carries its notice twice: the cleaning report shows what was dropped and why
    r = http_get(web_server, "/documents/guangxi-liujiang-workpoints-2017")
    assert "Cleaning report" in r.text and ("dropped as" in r.text or "not found" in r.text)


def _compare(web_server, params, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        r = http_get(web_server, "/compare", params)
        if r.status != 202:
            return r
        assert time.monotonic() < deadline, "comparison did not finish"
        time.sleep(0.3)


def test_compare_matrix_cell_and_exports(web_server):
    params = {"ref": OUTLINE, "all": "1"}
    r = _compare(web_server, params)
    assert r.status == 200, r.text[:300]
    assert r.text.count('<td class="c s-') == 7 * 34  # five seeds, the hostile and the English document, 34 items each
    assert r.text.count('data-unrelated="1"') == 1  # the English one, hidden by default
    href = html_lib.unescape(re.search(r'href="(/compare/cell\?[^"]+)"', r.text).group(1))
    cell = http_get(web_server, href)
    assert cell.status == 200 and "reference item" in cell.text and "<html" in cell.text
    job = {"job": re.search(r"job=([0-9a-f]{16})", href).group(1)}
    funing = http_get(web_server, "/compare/cell", {**job, "d": "hebei-funing-report-2023", "item": 21, "partial": "1"})
    assert funing.status == 200 and "<mark>" in funing.text and "<html" not in funing.text
    # exports of the view: filtered documents only
    exported = http_get(web_server, "/compare/export", {**job, "fmt": "csv", "q": "河北"}).text
    assert exported.startswith("\ufeff")  # as -o writes it: Excel reads a CSV without a BOM in the locale's code page
    csv_rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert {row["doc_id"] for row in csv_rows} == {"hebei-funing-report-2023", "hebei-handan-district-plan-2021-2025"}
    data = http_get(web_server, "/compare/export", {**job, "fmt": "json"}).json()
    assert len(data["documents"]) >= 5
    html = http_get(web_server, "/compare/export", {**job, "fmt": "html", "q": "河北"})
    assert html.headers["content-disposition"].startswith("attachment") and html.text.startswith("<!DOCTYPE html>")
    x = http_get(web_server, "/compare/export", {**job, "fmt": "xlsx"})
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(x.body))
    assert {"matrix", "documents", "evidence"} <= set(wb.sheetnames)
    assert http_get(web_server, "/compare/export", {**job, "fmt": "pdf"}).status == 400
    assert http_get(web_server, "/compare/cell", {**job, "d": "x"}).status == 404
    assert http_get(web_server, "/compare/cell", {"job": "0" * 16, "d": "hebei-funing-report-2023"}).status == 409
    assert http_get(web_server, "/compare", {"ref": "nope"}).status == 404


def test_compare_a_local_plan_through_the_outline(web_server):
    handan, funing = "hebei-handan-district-plan-2021-2025", "hebei-funing-report-2023"
    form = http_get(web_server, "/compare").text
    assert f'<option value="{OUTLINE}" selected>' in form.split('name="via"')[1]  # a fresh form reads through the 纲要
    r = _compare(web_server, {"ref": handan, "doc": funing, "via": OUTLINE})
    assert r.status == 200, r.text[r.text.find("</form>"):][:1500]
    assert "data-via" in r.text and "items are judged through 法治政府建设实施纲要" in r.text  # the mapping, before the matrix
    job = {"job": re.search(r"job=([0-9a-f]{16})", r.text).group(1)}
    data = http_get(web_server, "/compare/export", {**job, "fmt": "json"}).json()
    assert data["reference"]["via"]["doc_id"] == OUTLINE and len(data["reference"]["via"]["links"]) == 30
    assert data["documents"][0]["items"][0]["reason"].startswith("judged through （四）")
    # the outline as its own reference with the form's default: judged directly, nothing to read it through
    r = _compare(web_server, {"ref": OUTLINE, "doc": funing, "via": OUTLINE})
    assert r.status == 200 and "judged through" not in r.text
    direct = _compare(web_server, {"ref": OUTLINE, "doc": funing})  # one run, kept once
    assert re.search(r"job=([0-9a-f]{16})", direct.text).group(1) == re.search(r"job=([0-9a-f]{16})", r.text).group(1)
    host = urllib.parse.urlsplit(web_server).netloc
    came_from = {"Referer": f"http://{host}/compare?ref={handan}&doc={funing}"}
    r = http_get(web_server, "/compare", {"ref": handan, "doc": funing, "via": "nope"}, headers=came_from)
    assert r.status == 404 and f'href="/compare?ref={handan}&amp;doc={funing}" data-back' in r.text  # back to the comparison
    for other in ("http://elsewhere.example/compare?x=1", f"http://{host}//elsewhere.example/x", f"http://{host}/\\elsewhere.example/x"):
        r = http_get(web_server, "/compare", {"ref": "nope"}, headers={"Referer": other})
        assert r.status == 404 and "data-back" not in r.text, other  # never a link to another site


def test_serves_through_a_rebuild_and_picks_up_the_new_index(web_index, tmp_path, cache_dir):
    """Requests keep being answered while ``index build`` replaces the index; then the new one is served."""
    import shutil

    pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lawgov-nlp[web]'")

    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.indexing.index import build_index
    from lawgov_nlp.web import create_app
    from lawgov_nlp.web.server import BackgroundServer

    served = tmp_path / "served"
    shutil.copytree(web_index, served)
    app = create_app(served, check_every=0.05)
    statuses: list[int] = []
    stop = threading.Event()

    with BackgroundServer(app) as server:
        base = server.url.rstrip("/")
        before = http_get(base, "/api/status").json()

        def hammer():
            while not stop.is_set():
                statuses.append(http_get(base, "/api/search", {"q": "行政复议"}).status)

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        build_index([CORPUS / "hebei-funing-report-2023.txt"], served, encoder="use", cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))
        deadline = time.monotonic() + 60
        while http_get(base, "/api/status").json()["documents"] != 1:
            assert time.monotonic() < deadline, "the new index was not picked up"
            time.sleep(0.1)
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()
        after = http_get(base, "/api/status").json()
        results = http_get(base, "/api/search", {"q": "行政复议"}).json()["results"]
    assert before["documents"] == 8 and after["documents"] == 1 and after["reloads"] >= 1
    assert statuses and set(statuses) == {200}, f"{len(statuses)} requests, statuses {set(statuses)}"
    assert {x["doc_id"] for x in results} == {"hebei-funing-report-2023"}


def test_serve_command_binds_loopback_and_refuses_bad_input(tmp_path):
    from helpers import run_cli

    r = run_cli(["serve", "--index", str(tmp_path / "missing")])
    assert r.exit_code == 1 and "index not found" in r.stderr and "Traceback" not in r.output
    r = run_cli(["serve", "--port", "99999"])
    assert r.exit_code == 2 and "--port" in r.stderr and "65535" in r.stderr
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        r = run_cli(["serve", "--index", str(tmp_path / "missing"), "--port", str(busy.getsockname()[1])])
        assert r.exit_code == 1 and "cannot listen on 127.0.0.1" in r.stderr
    finally:
        busy.close()


def test_policy_views_and_exports(web_server):
    r = http_get(web_server, "/policy", {"tool": "commitments", "doc": "hebei-handan-district-plan-2021-2025"})
    assert r.status == 200 and "60学时" in r.text
    r = http_get(web_server, "/policy", {"tool": "trace", "plan": "hebei-handan-district-plan-2021-2025", "doc": "hebei-funing-report-2023"})
    assert r.status == 200 and "秦皇岛市抚宁区" in r.text
    r = http_get(web_server, "/policy", {"tool": "citations", "all": "1"})
    assert r.status == 200 and "法治政府建设实施纲要" in r.text
    hostile = http_get(web_server, "/policy", {"tool": "commitments", "doc": "hostile"}).text
    assert "<script>window" not in hostile
    exported = http_get(web_server, "/policy/export", {"tool": "commitments", "all": "1", "fmt": "csv"}).text
    assert exported.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert rows and {"hebei-handan-district-plan-2021-2025"} <= {row["doc_id"] for row in rows}
    assert http_get(web_server, "/policy", {"tool": "trace", "plan": "hebei-handan-district-plan-2021-2025"}).status == 400
    assert http_get(web_server, "/policy", {"tool": "magic"}).status == 400


SAME_SITE = {"Sec-Fetch-Site": "same-origin"}  # what the browser sends with the Compare page's own form


def test_a_reviewer_signs_a_comparison_from_its_exported_form(web_server):
    from helpers import http_post_form

    r = _compare(web_server, {"ref": OUTLINE, "doc": ["hebei-funing-report-2023", "hunan-changde-approval-bureau-report-2021"]})
    assert r.status == 200 and 'enctype="multipart/form-data"' in r.text and "sign off 审核签发" in r.text
    job = {"job": re.search(r"job=([0-9a-f]{16})", r.text).group(1)}
    form = http_get(web_server, "/compare/export", {**job, "fmt": "csv"}).text.removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(form)))
    target = next(x for x in rows if x["doc_id"] == "hebei-funing-report-2023" and x["heading"] == "深化行政执法体制改革")
    new = "partial" if target["tool_status"] != "partial" else "implemented"
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    for x in rows:
        if x is target:
            x = {**x, "review_status": new, "review_note": "只报告联合执法<script>"}
        if x["doc_id"] == "hebei-funing-report-2023":
            w.writerow(x)
    filled = out.getvalue().encode("utf-8")

    def form_with(status: str) -> bytes:
        o = io.StringIO()
        wr = csv.DictWriter(o, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows({**x, "review_status": status} if x is target else x for x in rows if x["doc_id"] == "hebei-funing-report-2023")
        return o.getvalue().encode("utf-8")
    posted = http_post_form(web_server, "/compare/review", {"reviewer": "张三"}, {"form": ("审核表.csv", filled)}, job, SAME_SITE)
    assert posted.status == 303 and posted.headers["location"].startswith("/compare/signed?job=")
    page = http_get(web_server, posted.headers["location"]).text
    assert "reviewed by 张三 on " in page and "审核表.csv" in page
    assert "深化行政执法体制改革" in page and "只报告联合执法&lt;script&gt;" in page and "<script>" not in page.split("</head>")[1].replace(
        '<script src="/static/', "")
    assert "the review says nothing about 1 of 2 documents (hunan-changde-approval-bureau-report-2021)" in page
    sid = {"signed": re.search(r"signed=([0-9a-f]{16})", posted.headers["location"]).group(1)}
    signed_csv = http_get(web_server, "/compare/export", {**job, **sid, "fmt": "csv"})
    assert "signed" in signed_csv.headers["content-disposition"]
    srows = list(csv.DictReader(io.StringIO(signed_csv.text.removeprefix("\ufeff"))))
    mine = next(x for x in srows if x["doc_id"] == "hebei-funing-report-2023" and x["heading"] == "深化行政执法体制改革")
    assert mine["status"] == new and mine["tool_status"] == target["tool_status"] and mine["signed_by"] == "张三"
    # the tool's own report is unchanged, and the Compare page links to the signed one
    assert "signed_by" not in http_get(web_server, "/compare/export", {**job, "fmt": "csv"}).text.splitlines()[0]
    assert "the report signed last" in _compare(web_server, {"ref": OUTLINE, "doc": ["hebei-funing-report-2023",
                                                                                     "hunan-changde-approval-bureau-report-2021"]}).text
    i = next(k for k, x in enumerate(json_items(http_get(web_server, "/compare/export", {**job, "fmt": "json"}).json()))
             if x["ref"]["heading"] == "深化行政执法体制改革")
    cell = http_get(web_server, "/compare/cell", {**job, **sid, "d": "hebei-funing-report-2023", "item": i}).text
    assert "审核意见 review: 只报告联合执法&lt;script&gt;" in cell
    # a second reviewer of the same comparison signs their own report; the first one's links keep theirs
    blank = http_post_form(web_server, "/compare/review", {"reviewer": "王五"}, {"form": ("b.csv", form_with(""))}, job, SAME_SITE)
    assert blank.status == 400 and "nothing is filled in" in blank.text
    second = http_post_form(web_server, "/compare/review", {"reviewer": "王五"}, {"form": ("b.csv", filled)}, job,
                            {"Origin": web_server})  # an older browser: no Sec-Fetch-Site, its own Origin
    assert second.status == 303 and second.headers["location"] != posted.headers["location"]
    assert "reviewed by 张三" in http_get(web_server, posted.headers["location"]).text
    assert "reviewed by 王五" in http_get(web_server, second.headers["location"]).text
    assert http_get(web_server, "/compare/signed", {**job, "signed": "0" * 16}).status == 409
    # refused, each with one line: another site's page, a bad status, a form from another run, nothing chosen
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://attacker.example"}, {}):
        bad = http_post_form(web_server, "/compare/review", {"reviewer": "x"}, {"form": ("f.csv", filled)}, job, headers)
        assert bad.status == 403 and "can be applied only from this server" in bad.text
    bad = http_post_form(web_server, "/compare/review", {}, {"form": ("f.csv", form_with("maybe"))}, job, SAME_SITE)
    assert bad.status == 400 and "unknown status &#39;maybe&#39;" in bad.text and "Traceback" not in bad.text
    # a body over the limit is refused from its Content-Length, before a byte of it is read
    import http.client
    import urllib.parse

    u = urllib.parse.urlsplit(web_server)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.putrequest("POST", f"/compare/review?job={job['job']}")
    for k, v in {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": "60000000", **SAME_SITE}.items():
        conn.putheader(k, v)
    conn.endheaders()
    big = conn.getresponse()
    assert big.status == 413 and "over the limit" in big.read().decode()
    conn.close()
    other = filled.replace(f",{target['tool_status']},{new},".encode(), f",{new},{new},".encode(), 1)
    bad = http_post_form(web_server, "/compare/review", {}, {"form": ("f.csv", other)}, job, SAME_SITE)
    assert bad.status == 400 and "Traceback" not in bad.text
    assert http_post_form(web_server, "/compare/review", {}, {"form": ("f.pdf", b"%PDF")}, job, SAME_SITE).status == 400
    assert http_post_form(web_server, "/compare/review", {"reviewer": "x"}, {}, job, SAME_SITE).status == 400
    assert http_get(web_server, "/compare/review", job).status == 405


def json_items(data):
    return next(d for d in data["documents"] if d["doc_id"] == "hebei-funing-report-2023")["items"]
