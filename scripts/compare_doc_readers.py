"""Which Word 97-2003 (.doc) reader gives the body text of Chinese documents: msdoc2docx vs the others.

    python scripts/compare_doc_readers.py [--runs 5] [FILE.doc …]

Default files: the seed .doc fixtures LibreOffice wrote (tests/data/fixtures/funing-report.doc,
with a running header and a PAGE field; task_table.doc, with a table). Compared where
installed: msdoc2docx (our reader, via .docx), legacy-doc (pip), antiword and catdoc
(Debian packages). For each: lines of the source text found, extra lines (header, field codes)
and the median time.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "data" / "fixtures"


def _lines(text: str) -> list[str]:
    return [re.sub(r"\s", "", ln) for ln in text.splitlines() if ln.strip()]


def _readers():
    from lawgov_nlp.reading.doc import read_doc

    out = {"msdoc2docx → docx (lawgov-nlp)": lambda p: read_doc(p, p.read_bytes())[0]}
    try:
        from legacy_doc import extract_text

        out["legacy-doc"] = lambda p: extract_text(p.read_bytes()).text
    except ImportError:
        pass
    if shutil.which("antiword"):
        out["antiword"] = lambda p: subprocess.run(["antiword", "-m", "UTF-8.txt", "-w", "0", str(p)], capture_output=True, text=True).stdout
    if shutil.which("catdoc"):
        out["catdoc"] = lambda p: subprocess.run(["catdoc", "-d", "utf-8", "-w", str(p)], capture_output=True, text=True).stdout
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from lawgov_nlp.reading.ingest import read_file

    files = args.files or [FIX / "funing-report.doc", FIX / "task_table.doc"]
    # the reference text: the seed for the seed's .doc, else what our reader gives
    refs = {FIX / "funing-report.doc": (ROOT / "corpus" / "hebei-funing-report-2023.txt").read_text(encoding="utf-8")}
    print("| file | reader | source lines found | extra lines | median ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for f in files:
        ref = _lines(refs.get(f) or read_file(f).text)
        for name, fn in _readers().items():
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                text = fn(f)
                times.append(time.perf_counter() - t0)
            got = _lines(text)
            found = sum(1 for ln in ref if ln in got)
            extra = [ln for ln in got if ln not in ref]
            print(f"| {f.name} | {name} | {found}/{len(ref)} | {len(extra)} {extra[:2] if extra else ''} | {statistics.median(times) * 1000:.0f} |")


if __name__ == "__main__":
    sys.exit(main())
