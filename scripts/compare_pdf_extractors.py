"""Which PDF text extractor reads Chinese government PDFs best: PDFium (pypdfium2) vs pdfplumber/pdfminer.six.

    pip install pdfplumber   # brings pdfminer.six; not a dependency of lawgov-nlp
    python scripts/compare_pdf_extractors.py [--runs 5]

The PDFs are typeset from the seeds by reportlab (tests/pdfmaker.py): one column with the
built-in CID font STSong-Light, one column and two columns with an embedded SimHei subset, and
two columns whose content stream runs row by row across the gutter. Where LibreOffice is
installed, the seeds are also written as .docx and converted by it (justified text, Word-like
fonts and page-number fields). For each extractor: characters found (share of the source's
CJK characters, as a multiset, furniture aside), reading order (share of the source's lines
found whole and in order in the extracted text, spaces ignored), and the median time.
"""
from __future__ import annotations

import argparse
import difflib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _squash(s: str) -> str:
    return re.sub(r"\s", "", s)


def _extractors():
    import pypdfium2 as pdfium

    from lawgov_nlp.reading.pdf import read_pdf

    def pdfium_raw(path: Path) -> str:
        pdf = pdfium.PdfDocument(str(path))
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)

    out = {"lawgov-nlp (PDFium chars + layout)": lambda p: read_pdf(p, p.read_bytes()).text, "pypdfium2 get_text_range": pdfium_raw}
    try:
        import pdfplumber
        from pdfminer.high_level import extract_text

        def plumber(path: Path) -> str:
            with pdfplumber.open(str(path)) as pdf:
                return "\n".join(page.extract_text() or "" for page in pdf.pages)

        out["pdfplumber extract_text"] = plumber
        out["pdfminer.six extract_text"] = lambda p: extract_text(str(p))
    except ImportError:
        print("pdfplumber/pdfminer.six not installed: comparing PDFium only", file=sys.stderr)
    return out


def _pdfs(work: Path) -> list[tuple[str, Path, Path]]:
    import mplfonts
    from pdfmaker import write_pdf

    simhei = str(Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf")
    seeds = [ROOT / "corpus" / "hebei-funing-report-2023.txt", ROOT / "corpus" / "hebei-handan-district-plan-2021-2025.txt"]
    out = []
    for seed in seeds:
        paras = [ln for ln in seed.read_text(encoding="utf-8").splitlines() if ln.strip()]
        titles = 2 if "funing" in seed.name else 0
        for name, kw in {
            "1 column, STSong-Light (CID)": dict(font="STSong-Light"),
            "1 column, SimHei embedded": dict(font=simhei),
            "2 columns, SimHei": dict(font=simhei, columns=2, size=10.5),
            "2 columns, stream row by row": dict(font=simhei, columns=2, size=10.5, interleave=True),
        }.items():
            p = work / f"{seed.stem}-{len(out)}.pdf"
            write_pdf(p, paras, header="法治政府建设", page_style="cn", title_lines=titles, **kw)
            out.append((f"{seed.stem[:20]} {name}", p, seed))
        soffice = shutil.which("soffice")
        if soffice:
            import docx

            d = docx.Document()
            for ln in paras:
                d.add_paragraph(ln)
            d.sections[0].header.paragraphs[0].text = "法治政府建设"
            src = work / f"{seed.stem}.docx"
            d.save(src)
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work), str(src)], capture_output=True, timeout=180)
            if (work / f"{seed.stem}.pdf").exists():
                out.append((f"{seed.stem[:20]} LibreOffice", work / f"{seed.stem}.pdf", seed))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lawgov-pdfcmp-"))
    extractors = _extractors()
    print("| PDF | extractor | CJK chars found | source lines whole and in order | median ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label, pdf, seed in _pdfs(work):
        src_lines = [_squash(ln) for ln in seed.read_text(encoding="utf-8").splitlines() if ln.strip()]
        src_cjk = Counter(ch for ch in "".join(src_lines) if "\u4e00" <= ch <= "\u9fff")
        for name, fn in extractors.items():
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                text = fn(pdf)
                times.append(time.perf_counter() - t0)
            got = Counter(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
            found = sum(min(n, got[ch]) for ch, n in src_cjk.items()) / sum(src_cjk.values())
            flat = _squash(text)
            # a source line counts when it appears whole, after the previous one
            pos, whole = 0, 0
            for ln in src_lines:
                k = flat.find(ln, pos)
                if k >= 0:
                    whole += 1
                    pos = k + len(ln)
            print(f"| {label} | {name} | {found:.3f} | {whole}/{len(src_lines)} | {statistics.median(times) * 1000:.0f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
