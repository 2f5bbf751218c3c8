"""PDF reading on real PDFs typeset from the seeds by reportlab (tests/pdfmaker.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import CORPUS, nfkc, numbered_tree
from pdfmaker import write_image_pdf, write_pdf

from lawgov_nlp.errors import InputError
from lawgov_nlp.reading.document import load_document
from lawgov_nlp.reading.ingest import read_file

FUNING = CORPUS / "hebei-funing-report-2023.txt"
HANDAN = CORPUS / "hebei-handan-district-plan-2021-2025.txt"


def _simhei() -> str:
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"
    assert path.exists(), "mplfonts ships SimHei.ttf"
    return str(path)


def _paras(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


# (seed, title lines, columns, font, page-number style, interleaved content stream)
LAYOUTS = {
    "funing-1col-cid": (FUNING, 2, 1, "STSong-Light", "cn", False),
    "funing-2col-ttf": (FUNING, 2, 2, "simhei", "slash", False),
    "handan-1col-ttf": (HANDAN, 0, 1, "simhei", "dash", False),
    "handan-2col-rows": (HANDAN, 0, 2, "simhei", "dash", True),
}


@pytest.fixture(scope="session")
def seed_pdfs(tmp_path_factory):
    d = tmp_path_factory.mktemp("pdf")
    out = {}
    for name, (seed, titles, cols, font, style, inter) in LAYOUTS.items():
        out[name] = write_pdf(d / f"{name}.pdf", _paras(seed), columns=cols, font=_simhei() if font == "simhei" else font,
                              size=10.5 if cols == 2 else 12, header="抚宁区人民政府" if seed == FUNING else "法治政府建设实施方案",
                              page_style=style, title_lines=titles, interleave=inter)
    return out


def _squash(s: str) -> str:
    return re.sub(r"\s", "", nfkc(s))


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_pdf_of_a_seed_gives_the_text_versions_clause_tree(seed_pdfs, name):
    seed = LAYOUTS[name][0]
    text_doc = load_document(seed)
    pdf_doc = load_document(seed_pdfs[name])
    assert pdf_doc.format == "pdf"
    assert pdf_doc.text.count("\n") > 20  # the PDF really had several pages
    assert numbered_tree(pdf_doc) == numbered_tree(text_doc)
    # clause by clause the same text, spaces aside: no header, no page number, no broken paragraph
    assert [(c.kind, c.path, _squash(c.text)) for c in pdf_doc.clauses] == [(c.kind, c.path, _squash(c.text)) for c in text_doc.clauses]
    for c in pdf_doc.clauses:
        assert pdf_doc.text[c.span[0]:c.span[1]].startswith(c.text.split("\n")[0])


def test_page_furniture_is_dropped_and_counted(seed_pdfs):
    from lawgov_nlp.reading.pdf import read_pdf

    p = seed_pdfs["funing-1col-cid"]
    pdf = read_pdf(p, p.read_bytes())
    assert pdf.pages >= 3
    assert pdf.dropped == {"page_number": pdf.pages, "running_header": pdf.pages}
    lines = pdf.text.splitlines()
    assert not any("页" in ln and len(ln) < 15 for ln in lines) and "抚宁区人民政府" not in lines
    # paragraphs rejoined: as many lines as the text file has non-blank lines
    assert len(pdf.text.splitlines()) == len(_paras(FUNING))


def test_two_columns_are_read_column_by_column(seed_pdfs):
    text = read_file(seed_pdfs["handan-2col-rows"]).text
    # the left column's paragraph continues in the left column, not across the gutter
    para = next(ln for ln in text.splitlines() if ln.startswith("为深入学习贯彻法治思想"))
    assert para.endswith("结合我区实际,制定本实施方案。")


def test_table_numbers_at_a_page_edge_are_not_page_numbers(tmp_path):
    # A task table's 序号 alone on the last line of a page must survive; page numbers go.
    body = _paras(FUNING)[2:4]  # body text first: it sets the margins
    lines = []
    for k in range(1, 60):
        lines += [str(k), f"完善第{k}项重点工作任务，明确责任分工，按时完成。", "县司法局"]
    p = write_pdf(tmp_path / "table.pdf", ["某县法治政府建设任务分解表"] + body + lines, page_style="dash")
    text = read_file(p).text.splitlines()
    assert len(text) == 1 + len(body) + len(lines)
    assert text[1 + len(body):] == lines


def test_scanned_encrypted_undecodable_and_broken_pdfs_are_one_line(tmp_path):
    cases = []
    cases.append((write_image_pdf(tmp_path / "scan.pdf"), "no text layer"))
    cases.append((write_pdf(tmp_path / "locked.pdf", _paras(FUNING)[:5], encrypt="secret"), "password-protected"))
    # fonts without a ToUnicode map (some converters write them): the text layer is not Chinese
    good = write_pdf(tmp_path / "good.pdf", _paras(FUNING)[:8], font=_simhei())
    nomap = tmp_path / "nomap.pdf"
    nomap.write_bytes(good.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
    cases.append((nomap, "no Unicode mapping"))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    cases.append((broken, "not a readable PDF"))
    for path, reason in cases:
        with pytest.raises(InputError) as exc:
            read_file(path)
        msg = str(exc.value)
        assert msg.startswith(str(path)) and reason in msg and "\n" not in msg
    assert "OCR" in str(pytest.raises(InputError, read_file, cases[0][0]).value)


def test_owner_password_only_pdf_is_read(tmp_path):
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0)
    p = write_pdf(tmp_path / "owner.pdf", _paras(FUNING)[:4], encrypt=enc, title_lines=2)
    assert read_file(p).text.splitlines()[:2] == ["秦皇岛市抚宁区人民政府", "2023年法治政府建设工作报告"]


def test_scanned_pages_inside_a_text_pdf_are_named(tmp_path, caplog):
    p = write_pdf(tmp_path / "mixed.pdf", _paras(FUNING)[:6], title_lines=2, image_pages=2)
    with caplog.at_level("WARNING", logger="lawgov_nlp"):
        doc = load_document(p)
    assert doc.text.startswith("秦皇岛市抚宁区人民政府")
    (w,) = [w for w in doc.warnings if "no text layer" in w]
    assert w.startswith("pages 2-3 of 3") and "OCR" in w
    assert any("pages 2-3 of 3" in r.getMessage() for r in caplog.records)
