"""Reading cost on hostile inputs: sizes × seconds and peak memory, each run in a fresh process.

    python scripts/bench_hostile.py [--runs 3] [--quick] [--json out.json]

Cases (generated in a temporary folder, never in the repository):
- ``nested-div``: N ``<div>`` nested inside each other, text at the bottom (BeautifulSoup took
  13 s at 10,000 and 237 s at 40,000);
- ``sibling-p``: N sibling ``<p>`` paragraphs, 26 bytes each (105 s at 20,000 with BeautifulSoup);
- ``one-clause``: a text file holding one numbered clause of N characters without any punctuation
  (43 s and 3.65 GB to index at 200,000);
- ``text-MB``: a realistic numbered plan repeated to N MB, read with the document limit raised so
  it is read at all (``LAWGOV_MAX_CHARS``), and once more with the default limits (refused);
- ``docx-bomb``: a .docx whose document.xml expands to 94M characters from a ~312 KB file.

For each size it prints the median wall time of ``--runs`` runs of ``load_document`` (read, clean,
segment, metadata) plus, for the one-clause case, cutting every clause into encoder sentences, and
the peak RSS of the reading process (``VmHWM``, interpreter and imports included). A linear reader shows seconds growing
with the size and seconds per unit staying flat.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PLAN = (
    "一、深化“放管服”改革，优化法治化营商环境\n"
    "（一）推行证明事项告知承诺制。全面落实证明事项告知承诺制，减少企业办事跑腿次数，2023年底前实现应告尽告。\n"
    "1.建立健全行政裁量权基准制度，细化量化行政处罚标准，规范行政执法行为。\n"
    "（二）加强行政复议工作。畅通复议渠道，依法受理行政复议申请，发挥行政复议化解行政争议主渠道作用。\n"
)

CHILD = r"""
import os, sys, time
from lawgov_nlp.reading.document import load_document
from lawgov_nlp.errors import LawgovError
from lawgov_nlp.reading.pieces import sentences
t = time.perf_counter()
try:
    doc = load_document(sys.argv[1])
    n = sum(len(sentences(c.text)) for c in doc.clauses)
    outcome = f"{len(doc.clauses)} clauses, {n} sentences, longest clause {max(len(c.text) for c in doc.clauses)}"
except LawgovError as exc:
    outcome = "refused: " + str(exc)
secs = time.perf_counter() - t
# VmHWM belongs to this process image (ru_maxrss would count the parent's pages at fork time)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(f"{secs:.4f}\t{hwm / 1024:.1f}\t{outcome}")
"""


def run_case(path: Path, env: dict[str, str], runs: int) -> tuple[float, float, str]:
    times, peaks, outcome = [], [], ""
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, env={**os.environ, **env}, text=True)
        if proc.returncode != 0:
            tail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else str(proc.returncode)
            raise SystemExit(f"{path}: child failed: {tail}")
        secs, rss, outcome = proc.stdout.strip().split("\t", 2)
        times.append(float(secs))
        peaks.append(float(rss))
    return statistics.median(times), max(peaks), outcome


def nested_div(n: int) -> str:
    return "<html><body>" + "<div>" * n + "<p>一、深化放管服改革。推行证明事项告知承诺制。</p>" + "</div>" * n + "</body></html>"


def sibling_p(n: int) -> str:
    return "<html><body>" + "".join(f"<p>第{k}段文字内容。</p>" for k in range(n)) + "</body></html>"


def one_clause(n: int) -> str:
    body = ("法治政府建设推进依法行政深化放管服改革优化营商环境" * (n // 24 + 1))[:n]
    return "一、" + body + "\n"


def text_mb(mb: int) -> str:
    # every paragraph differs (a repeated block would be dropped by the cleaner as scraped twice)
    out, size, k = [], 0, 0
    while size < mb * 1_000_000:
        block = "\n".join(f"{ln}（第{k}项）" for ln in PLAN.splitlines()) + "\n"
        out.append(block)
        size += len(block.encode("utf-8"))
        k += 1
    return "".join(out)


def docx_bomb(path: Path, chars: int = 94_000_000) -> None:
    from docx import Document  # python-docx writes a valid package; its document.xml is replaced

    tmp = path.with_suffix(".seed.docx")
    Document().save(tmp)
    para = "<w:p><w:r><w:t>" + "法" * 1000 + "</w:t></w:r></w:p>"
    body = para * (chars // 1000)
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            data = xml.encode("utf-8") if item.filename == "word/document.xml" else src.read(item.filename)
            dst.writestr(item, data)
    tmp.unlink()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="smaller sizes only")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lawgov-bench-hostile-"))
    raised = {"LAWGOV_MAX_CHARS": "1000000000", "LAWGOV_MAX_FILE_BYTES": "1000000000", "LAWGOV_MAX_HTML_BYTES": "1000000000"}
    cases: list[tuple[str, int, str, Path, dict]] = []
    sizes = [5_000, 10_000, 20_000, 40_000] if not args.quick else [5_000, 10_000]
    for n in sizes:
        p = work / f"nested-{n}.html"
        p.write_text(nested_div(n), encoding="utf-8")
        cases.append(("nested-div", n, "divs", p, {}))
    for n in sizes:
        p = work / f"sibling-{n}.html"
        p.write_text(sibling_p(n), encoding="utf-8")
        cases.append(("sibling-p", n, "paragraphs", p, {}))
    for n in ([50_000, 100_000, 200_000, 400_000] if not args.quick else [50_000, 100_000]):
        p = work / f"clause-{n}.txt"
        p.write_text(one_clause(n), encoding="utf-8")
        cases.append(("one-clause", n, "chars", p, {}))
    for mb in ([1, 5, 10, 25, 50] if not args.quick else [1, 5]):
        p = work / f"text-{mb}mb.txt"
        p.write_text(text_mb(mb), encoding="utf-8")
        cases.append(("text (limits raised)", mb, "MB", p, raised))
    big = max((c for c in cases if c[0].startswith("text")), key=lambda c: c[1])
    cases.append(("text (default limits)", big[1], "MB", big[3], {}))
    bomb = work / "bomb.docx"
    docx_bomb(bomb, 94_000_000 if not args.quick else 20_000_000)
    cases.append(("docx-bomb", bomb.stat().st_size // 1000, "KB file", bomb, {}))

    rows = []
    print(f"{'case':<22} {'size':>9} {'unit':<11} {'seconds':>8} {'s/unit×1e3':>10} {'peak RSS MB':>11}  outcome")
    for name, size, unit, path, env in cases:
        secs, rss, outcome = run_case(path, env, args.runs)
        per = secs / size * 1000
        rows.append({"case": name, "size": size, "unit": unit, "seconds": round(secs, 4), "peak_rss_mb": round(rss, 1), "outcome": outcome})
        print(f"{name:<22} {size:>9,} {unit:<11} {secs:>8.3f} {per:>10.4f} {rss:>11.0f}  {outcome[:90]}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    for p in work.iterdir():
        p.unlink()
    work.rmdir()


if __name__ == "__main__":
    main()
