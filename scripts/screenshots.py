"""Screenshots of every view of ``lawgov-nlp serve`` and of the static report, for docs/ and the README.

Starts the real app on a free local port over an index (default ``indexes/default``; build it
with ``lawgov-nlp index build``), drives Debian's Chromium with playwright and writes:

    docs/web-search.png      Search: a plain-language query with the per-signal explanation
    docs/web-documents.png   Documents: the sortable table
    docs/web-document.png    one document: metadata, cleaning report, clause tree
    docs/web-compare.png     Compare: the matrix and one cell's evidence beside the reference
    docs/web-policy.png      Policy: a plan's tasks traced in a later report
    docs/report.png          the static diff-plans report of the same comparison
    docs/report-no-system-fonts.png   the same, in a browser that has no CJK font of its own

With ``--collection INDEX`` (an index of the 595-document collection) it also writes
``docs/web-compare-600.png`` and ``docs/report-600.png``.

    .venv/bin/python scripts/screenshots.py [--index indexes/default] [--collection /tmp/coll-use]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("LAWGOV_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
OUTLINE = "gangyao-2021-2025-outline"


def no_cjk_fontconfig(tmp: Path) -> dict[str, str]:
    """An environment whose fontconfig knows one Latin font only: what a bare machine shows."""
    latin = next((p for p in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation") if Path(p).is_dir()), None)
    conf = tmp / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
{f'<dir>{latin}</dir>' if latin else ''}<cachedir>{tmp}/cache</cachedir></fontconfig>""", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def wait_compare(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("table[data-matrix]", timeout=600_000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=ROOT / "indexes" / "default")
    ap.add_argument("--collection", type=Path, help="an index of the collection, for the 600-document views")
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from lawgov_nlp.web import create_app
    from lawgov_nlp.web.server import BackgroundServer

    args.out.mkdir(exist_ok=True)
    shots = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        app = create_app(args.index)
        with BackgroundServer(app) as server:
            base = server.url.rstrip("/")
            page.goto(base + "/search?q=拍板前请懂法的人把关&region=河北")
            page.wait_for_selector("li.result")
            shots.append(("web-search.png", page.screenshot(path=str(args.out / "web-search.png"))))
            page.goto(base + "/documents")
            page.click("table.docs th:has-text('year')")
            shots.append(("web-documents.png", page.screenshot(path=str(args.out / "web-documents.png"))))
            page.goto(base + "/documents/guangxi-liujiang-workpoints-2017")
            page.click("details.dropped summary")
            page.locator("h3:has-text('Cleaning report')").scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -60)")
            shots.append(("web-document.png", page.screenshot(path=str(args.out / "web-document.png"))))
            page.goto(base + "/policy?tool=trace&plan=hebei-handan-district-plan-2021-2025&doc=hebei-funing-report-2023")
            shots.append(("web-policy.png", page.screenshot(path=str(args.out / "web-policy.png"))))
            wait_compare(page, base + f"/compare?ref={OUTLINE}&all=1")
            page.locator('table[data-matrix] th.doc[title$="· hebei-funing-report-2023"]').locator("xpath=..").locator("td.c a").nth(21).click()
            page.wait_for_selector("#cell-view [data-cell-detail]")
            page.locator("h2").first.scroll_into_view_if_needed()
            shots.append(("web-compare.png", page.screenshot(path=str(args.out / "web-compare.png"), full_page=True)))
            # the static report of the same comparison, exported from the app
            report = Path(tmp) / "report.html"
            with page.expect_download() as dl:
                page.click("a[data-export=html]")
            dl.value.save_as(str(report))
            page.goto(report.as_uri())
            shots.append(("report.png", page.screenshot(path=str(args.out / "report.png"))))
        bare = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, env=no_cjk_fontconfig(Path(tmp)))
        bp = bare.new_page(viewport={"width": 1400, "height": 900})
        bp.goto(report.as_uri())
        bp.locator("table[data-matrix] td.c a").nth(40).click()
        bp.wait_for_timeout(500)
        shots.append(("report-no-system-fonts.png", bp.screenshot(path=str(args.out / "report-no-system-fonts.png"))))
        # the control: the same fonts, a page that carries none of its own, is tofu
        control = Path(tmp) / "control.html"
        control.write_text('<html lang="zh-CN"><body style="font:32px sans-serif;margin:16px">法治政府建设 — without an embedded font</body></html>', encoding="utf-8")
        bp.set_viewport_size({"width": 900, "height": 80})
        bp.goto(control.as_uri())
        shots.append(("no-system-fonts-control.png", bp.screenshot(path=str(args.out / "no-system-fonts-control.png"))))
        bare.close()
        if args.collection:
            app = create_app(args.collection)
            with BackgroundServer(app) as server:
                base = server.url.rstrip("/")
                t = time.perf_counter()
                wait_compare(page, base + f"/compare?ref={OUTLINE}&all=1")
                print(f"collection comparison ready in the app after {time.perf_counter() - t:.0f} s")
                page.click("table[data-matrix] th[data-col='2']")  # by coverage
                page.locator("table[data-matrix] tbody tr:not(.hidden) td.s-partial a").nth(2).click()
                page.wait_for_selector("#cell-view [data-cell-detail]")
                page.set_viewport_size({"width": 1400, "height": 1500})
                page.locator("h2").first.scroll_into_view_if_needed()
                shots.append(("web-compare-600.png", page.screenshot(path=str(args.out / "web-compare-600.png"))))
                page.set_viewport_size({"width": 1400, "height": 900})
                report = Path(tmp) / "report-600.html"
                with page.expect_download(timeout=600_000) as dl:
                    page.click("a[data-export=html]")
                dl.value.save_as(str(report))
                rows = page.locator("table[data-matrix] tbody tr").count()
                print(f"report of {rows} documents: {report.stat().st_size / 1e6:.1f} MB")
                page.goto(report.as_uri())
                page.click("table[data-matrix] th[data-col='2']")  # by coverage
                shots.append(("report-600.png", page.screenshot(path=str(args.out / "report-600.png"))))
        browser.close()
    for name, _ in shots:
        print(f"wrote {args.out / name}")


if __name__ == "__main__":
    main()
