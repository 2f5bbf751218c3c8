"""The web app and the static report in a real browser: Debian's Chromium driven by playwright.

Skipped, with the reason, where there is no Chromium (``apt-get install chromium``; ``.ci/run``
installs it) or no playwright. Never downloads a browser.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("LAWGOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
OUTLINE = "gangyao-2021-2025-outline"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) or set LAWGOV_CHROMIUM")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    pg.js_errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda exc: pg.js_errors.append(str(exc)))  # type: ignore[attr-defined]
    yield pg
    ctx.close()


def test_search_filter_and_permalink(page, web_server):
    page.goto(web_server + "/search")
    page.fill("input[name=q]", "证照分离")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("li.result")
    texts = page.locator("li.result .text").all_inner_texts()
    assert any("持续推动“证照分离”改革" in t for t in texts)
    assert "证照分离" in page.locator("li.result mark").first.inner_text()
    assert page.locator("li.result .path").count() == page.locator("li.result").count()
    # filter by type: only annual reports remain
    page.click("details.filters summary")
    page.select_option("select[name=type]", "年度报告")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("li.result")
    docs = set(page.locator("li.result").evaluate_all("els => els.map(e => e.dataset.doc)"))
    assert docs and docs <= {"hebei-funing-report-2023", "hunan-changde-approval-bureau-report-2021"}
    # the permalink reproduces the same results
    first = page.locator("li.result").first.get_attribute("data-clause")
    page.goto(web_server + page.get_attribute("[data-permalink]", "href"))
    assert page.locator("li.result").first.get_attribute("data-clause") == first
    assert page.input_value("select[name=type]") == "年度报告"
    assert not page.js_errors


def test_open_a_document_from_a_result(page, web_server):
    page.goto(web_server + "/search?q=" + "行政复议体制改革")
    page.locator("li.result a.title").first.click()
    page.wait_for_selector("ul.tree")
    assert page.locator("li.clause:target").count() == 1  # the clause the result named
    assert "Cleaning report" in page.inner_text("main")
    page.click("[data-expand]")
    assert page.locator("details.ctext[open]").count() == page.locator("details.ctext").count()
    page.goto(web_server + "/documents")
    rows = page.locator("table.docs tbody tr")
    assert rows.count() == 8
    page.click("table.docs th:has-text('year')")
    years = [int(y or 0) for y in page.locator("table.docs tbody tr td:nth-child(5)").all_inner_texts()]
    assert years == sorted(years, reverse=True)
    page.fill("[data-matrix-filter]", "河北")
    assert page.locator("table.docs tbody tr:not(.hidden)").count() == 2
    assert not page.js_errors


def test_matrix_cell_shows_highlighted_evidence(page, web_server):
    page.goto(web_server + f"/compare?ref={OUTLINE}&all=1")
    page.wait_for_selector("table[data-matrix]", timeout=180_000)  # the page reloads itself until done
    rows = page.locator("table[data-matrix] tbody tr")
    assert rows.count() == 7
    # the English note on bicycles looks unrelated: hidden until asked for
    assert page.locator("table[data-matrix] tbody tr.hidden th.doc[title$='· english']").count() == 1
    assert page.locator("table[data-matrix] tbody tr:not(.hidden)").count() == 6
    page.check("[data-matrix-unrelated]")
    assert page.locator("table[data-matrix] tbody tr:not(.hidden)").count() == 7
    page.uncheck("[data-matrix-unrelated]")
    page.click("table[data-matrix] th[data-col='2']")  # coverage, best first
    cov = [float(x) for x in page.locator("table[data-matrix] tbody tr:not(.hidden) td:nth-child(3)").evaluate_all("els => els.map(e => e.dataset.v)")]
    assert cov == sorted(cov, reverse=True)
    page.fill("[data-matrix-filter]", "河北")
    assert page.locator("table[data-matrix] tbody tr:not(.hidden)").count() == 2
    assert "q=" in page.url and "q=" in page.get_attribute("a[data-export=csv]", "href")
    # a cell of an implemented item: the reference beside the evidence, shared phrases marked
    cell = page.locator("table[data-matrix] tbody tr:not(.hidden) td.s-implemented a").first
    cell.click()
    page.wait_for_selector("#cell-view [data-cell-detail]")
    view = page.locator("#cell-view")
    assert "reference item" in view.inner_text() and "evidence in the document" in view.inner_text()
    assert view.locator(".pair mark").count() >= 2  # on both sides
    # an omitted item shows the nearest miss
    page.locator("table[data-matrix] tbody tr:not(.hidden) td.s-omitted a").first.click()
    page.wait_for_selector("#cell-view .match.nearest")
    page.locator("#cell-view a[data-load]").first.click()
    page.wait_for_selector("#cell-view section.doc table.items")
    assert page.locator("#cell-view section.doc tr[id]").count() == 34
    assert not page.js_errors


def test_sign_off_a_comparison_with_a_downloaded_form(page, web_server, tmp_path):
    """The reviewer's path in the browser: download the form, fill one status, upload it with a name,
    see the signed matrix and the reviewer's note in the cell (the browser's own headers pass the
    same-origin check)."""
    import csv
    import io

    page.goto(web_server + f"/compare?ref={OUTLINE}&doc=hebei-funing-report-2023")
    page.wait_for_selector("table[data-matrix]", timeout=180_000)
    with page.expect_download() as dl:
        page.click("a[data-export=csv]")
    form = tmp_path / "review.csv"
    dl.value.save_as(form)
    rows = list(csv.DictReader(io.StringIO(form.read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["heading"] == "加强行政调解工作")
    new = "partial" if row["tool_status"] != "partial" else "omitted"
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows({**r, "review_status": new, "review_note": "只有人民调解"} if r is row else r for r in rows)
    form.write_text(out.getvalue(), encoding="utf-8-sig")
    page.set_input_files("form.sign-off input[type=file]", str(form))
    page.fill("form.sign-off input[name=reviewer]", "李四")
    page.click("form.sign-off button[type=submit]")
    page.wait_for_selector("p.review-line")
    assert "/compare/signed?" in page.url
    assert "reviewed by 李四" in page.inner_text("p.review-line")
    assert "加强行政调解工作" in page.inner_text("p.review-changes")
    assert page.locator("table[data-matrix] sup.review-mark").count() == 1
    page.locator("table[data-matrix] sup.review-mark").first.click()
    page.wait_for_selector("#cell-view [data-cell-detail]")
    assert "只有人民调解" in page.inner_text("#cell-view .review-note")
    assert not page.js_errors


def test_hostile_text_stays_inert(page, web_server):
    page.goto(web_server + "/documents/hostile")
    page.click("[data-expand]")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned=1</script>" in page.inner_text("main h2")
    assert page.locator("main img").count() == 0 and page.locator("main a[href^=javascript]").count() == 0
    body = page.inner_text("main")
    assert "<b>加粗</b>" in body and "{{7*7}}" in body and "\u241b[31m" in body
    page.goto(web_server + "/policy?tool=commitments&doc=hostile")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.goto(web_server + "/search?q=证照分离&doc=hostile")
    page.wait_for_selector("li.result")
    page.goto(web_server + f"/compare?ref={OUTLINE}&all=0&doc=hostile")
    page.wait_for_selector("table[data-matrix]", timeout=180_000)
    page.check("[data-matrix-unrelated]")
    page.locator("table[data-matrix] td.c a").first.click()
    page.wait_for_selector("#cell-view [data-cell-detail]")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.js_errors


def test_cjk_font_ships_with_the_page(page, web_server):
    page.goto(web_server + "/search?q=法治政府")
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate("""() => document.fonts.load('16px "Lawgov Sans CJK"', '法治政府建设').then(fs => fs.length)""")
    assert loaded >= 1
    assert page.evaluate("""document.fonts.check('16px "Lawgov Sans CJK"', '法治政府建设')""")


@pytest.fixture(scope="module")
def static_report(web_index, tmp_path_factory):
    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.indexing.index import open_index
    from lawgov_nlp.views.diff_html import render_report

    idx = open_index(web_index)
    docs = [idx.document(d) for d in idx.doc_ids() if d != OUTLINE]
    report = diff_plans(idx.document(OUTLINE), docs, encoder=idx.encoder, cache=False, index=idx)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(report, inline_max=2), encoding="utf-8")  # pack the documents, as for 600
    return path


def test_static_report_shows_packed_documents_on_demand(page, static_report):
    html = static_report.read_text(encoding="utf-8")
    assert 'id="lg-sections"' in html and '<section class="doc"' not in html  # packed, not laid out
    assert "@font-face" in html and "data:font/woff;base64," in html
    page.goto(static_report.as_uri())
    assert page.locator("section.doc").count() == 0  # nothing laid out until asked
    assert page.locator("table[data-matrix] tbody tr").count() == 7
    page.locator("table[data-matrix] tbody tr:not(.hidden) td.s-implemented a").first.click()
    page.wait_for_selector("#doc-view section.doc")
    target = re.sub(r"^#", "", page.evaluate("location.hash"))
    assert page.locator(f"#{target}").count() == 1 and page.locator(f"#{target} mark").count() >= 1
    assert page.evaluate("""document.fonts.check('16px "Lawgov Sans CJK"', '法治政府建设')""")
    # the hostile document's section, unpacked into the page, runs nothing
    page.check("[data-matrix-unrelated]")
    row = page.locator("table[data-matrix] tbody tr:has(th.doc[title$='· hostile'])")
    k = row.get_attribute("data-k")
    row.locator("th.doc a").click()
    page.wait_for_selector(f"#doc-view section#d{k}")  # sections are unpacked asynchronously
    assert "<script>window.__pwned=1</script>" in page.inner_text("#doc-view h2")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.js_errors
