"""Size and headless-Chromium load time of the diff-plans HTML report over a large index.

Runs diff-plans of ``--reference`` against every other document of ``--index`` (embeddings read
from the index), renders the static report, writes it, and opens it ``--runs`` times in Debian's
Chromium (playwright): time to the load event, then the time to show one document after a click
on a matrix cell. ``--screenshot`` saves the page with that document shown. ``--old-size`` also
renders the report as the previous renderer (git revision ``--old-rev``) did, to compare sizes.

    nice -n 10 .venv/bin/lawgov-nlp index build corpus /work/shared/collection/docs --index /tmp/coll-use
    .venv/bin/python scripts/bench_report.py --index /tmp/coll-use --screenshot docs/report-600.png
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("LAWGOV_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


def old_renderer(rev: str):
    """``render_html`` of views/report.py at ``rev`` (the one-page report), loaded from git."""
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:lawgov_nlp/views/report.py"], check=True, capture_output=True, text=True).stdout
    mod = types.ModuleType("lawgov_nlp.views._old_report")
    mod.__package__ = "lawgov_nlp.views"
    import lawgov_nlp.views.output as output

    saved = dict(output._HTML), dict(output._TERMINAL)
    exec(compile(src, f"{rev}:report.py", "exec"), mod.__dict__)
    output._HTML.clear(), output._HTML.update(saved[0])  # keep the current views registered
    output._TERMINAL.clear(), output._TERMINAL.update(saved[1])
    return mod.render_html


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--save-report", type=Path, help="write the diff-plans JSON here (to rerun the rendering with --from-report)")
    ap.add_argument("--from-report", type=Path, help="render this saved diff-plans JSON instead of running diff-plans")
    ap.add_argument("--reference", default="gangyao-2021-2025-outline")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, help="keep the report here (default: a temporary file)")
    ap.add_argument("--screenshot", type=Path)
    ap.add_argument("--old-size", action="store_true", help="also render with the previous one-page renderer and report its size")
    ap.add_argument("--old-rev", default="bc0e581")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.indexing.index import open_index
    from lawgov_nlp.views.diff_html import render_report

    if args.from_report:
        report = json.loads(args.from_report.read_text(encoding="utf-8"))
        t_diff = float("nan")
    else:
        idx = open_index(args.index)
        t = time.perf_counter()
        ref = idx.document(args.reference)
        docs = [idx.document(d) for d in idx.doc_ids() if d != args.reference]
        report = diff_plans(ref, docs, encoder=idx.encoder, cache=False, index=idx)
        t_diff = time.perf_counter() - t
        if args.save_report:
            args.save_report.write_text(json.dumps(report.to_dict(), ensure_ascii=False), encoding="utf-8")
    t = time.perf_counter()
    html = render_report(report)
    t_render = time.perf_counter() - t
    d = report if isinstance(report, dict) else report.to_dict()
    out: dict = {"documents": len(d["documents"]), "unrelated": sum(bool(x.get("unrelated")) for x in d["documents"]), "items": len(d["documents"][0]["items"]),
                 "diff_s": round(t_diff, 1), "render_s": round(t_render, 1), "bytes": len(html.encode("utf-8"))}
    if args.old_size:
        t = time.perf_counter()
        if isinstance(report, dict):
            raise SystemExit("--old-size needs a diff-plans run (the old renderer reads report objects), not --from-report")
        old = old_renderer(args.old_rev)(report)
        out["old_bytes"] = len(old.encode("utf-8"))
        out["old_render_s"] = round(time.perf_counter() - t, 1)
        del old
    with tempfile.TemporaryDirectory() as tmp:
        path = args.out or Path(tmp) / "report.html"
        path.write_text(html, encoding="utf-8")
        loads, shows = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                t = time.perf_counter()
                page.goto(path.resolve().as_uri(), wait_until="load", timeout=600_000)
                loads.append(time.perf_counter() - t)
                cell = page.locator("table[data-matrix] tbody tr:not(.hidden) td.s-implemented a").nth(3)
                t = time.perf_counter()
                cell.click()
                page.wait_for_selector("#doc-view section.doc")
                shows.append(time.perf_counter() - t)
                if args.screenshot:
                    page.screenshot(path=str(args.screenshot))
                page.close()
            browser.close()
    out.update({"load_s_runs": [round(x, 2) for x in loads], "load_s_median": round(statistics.median(loads), 2),
                "show_document_s_median": round(statistics.median(shows), 2)})
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
