"""Reading files: encodings, HTML, docx, and the bad inputs that must fail with one clear message."""
from __future__ import annotations

import pytest
from helpers import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from lawgov_nlp.errors import InputError
from lawgov_nlp.reading.ingest import decode_bytes, read_file

SAMPLE = "一、深化“放管服”改革\n（一）推行证明事项告知承诺制，减少企业办事跑腿次数。\n"


@pytest.mark.parametrize(
    "encoding, expected",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-16", "utf-16")],
)
def test_encodings_are_detected(tmp_path, encoding, expected):
    p = tmp_path / "doc.txt"
    p.write_bytes(SAMPLE.encode(encoding))
    raw = read_file(p)
    assert raw.text == SAMPLE
    assert raw.encoding == expected


def test_gb18030_only_characters_survive(tmp_path):
    text = "一、加强“枫桥经验”推广，㐀䶵字也能读\n"  # CJK extension A exists in GB18030, not GBK
    p = tmp_path / "ext.txt"
    p.write_bytes(text.encode("gb18030"))
    assert read_file(p).text == text


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "file is empty"),
        (b"   \n\n\t ", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (bytes(range(0x80, 0x100)) * 8, "cannot decode"),
    ],
)
def test_bad_files_fail_with_file_and_reason(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_file(p)
    msg = str(exc.value)
    assert str(p) in msg and reason in msg and "\n" not in msg


def test_a_word_or_pdf_file_renamed_to_txt_is_named_as_such(tmp_path):
    """A user who renamed a Word file to .txt is told what it is and which extension reads it."""
    import docx

    d = docx.Document()
    d.add_paragraph("一、加强行政调解工作")
    d.save(tmp_path / "plan.docx")
    cases = {"word.txt": ((tmp_path / "plan.docx").read_bytes(), "a Word .docx file: give it as .docx"),
             "doc.txt": ((FIXTURES / "funing-report.doc").read_bytes(), "an old Office file (Word .doc, WPS"),
             "zip.txt": (b"PK\x03\x04" + b"\x00" * 40 + b"notes/a.txt", "; it looks like a zip archive"),
             # a small PDF holds no NUL byte, and GB18030 would read it as text
             "pdf.txt": (b"%PDF-1.3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "a PDF file: give it as .pdf")}
    for name, (data, said) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(InputError) as exc:
            read_file(p)
        assert str(exc.value).startswith(f"{p}: binary file") and said in str(exc.value), name
    assert (tmp_path / "word.txt").read_bytes() == (tmp_path / "plan.docx").read_bytes()  # read, never changed


def test_missing_directory_and_unsupported(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_file(tmp_path)
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match="unsupported file type '.xlsx'"):
        read_file(tmp_path / "x.xlsx")


def test_portal_html_keeps_the_article_and_its_metadata():
    raw = read_file(FIXTURES / "portal.html")
    assert raw.format == "html"
    lines = raw.text.split("\n")
    assert lines[0] == "各乡镇人民政府，县直各单位："
    assert "一、深化“放管服”改革" in lines
    assert "导航菜单" not in raw.text and "不是正文" not in raw.text and "网站地图" not in raw.text
    assert raw.html_meta["doc_number"] == "某政办发〔2022〕5号"
    assert raw.html_meta["issuer"] == "某县人民政府办公室"


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某区2022年法治政府建设工作要点")
    d.add_paragraph("一、深化行政执法体制改革")
    d.add_paragraph("（一）推进综合行政执法。整合执法队伍。")
    table = d.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ["重点工作任务", "牵头单位", "责任单位"]):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, ["1", "推行证明事项告知承诺制", "司法局"]):
        cell.text = value
    p = tmp_path / "plan.docx"
    d.save(p)
    raw = read_file(p)
    assert raw.format == "docx"
    assert raw.text.split("\n")[:3] == ["某区2022年法治政府建设工作要点", "一、深化行政执法体制改革", "（一）推进综合行政执法。整合执法队伍。"]
    assert "牵头单位" in raw.text and "推行证明事项告知承诺制" in raw.text


def test_corrupt_docx_is_refused(tmp_path):
    p = tmp_path / "broken.docx"
    p.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="not a valid .docx"):
        read_file(p)


@pytest.mark.parametrize("data, hint", [
    ("法治政府建设工作要点\n一、总体要求\n".encode("gb18030"), "rename it to .txt"),
    ("法治政府建设工作要点\n".encode() * 400, "rename it to .txt"),  # 4 KB cut inside a character
    (b"<!DOCTYPE html><html><body>x</body></html>", "rename it to .html"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "rename it to .doc"),
    (b"%PDF-1.7\n", "rename it to .pdf"),
    (b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl}", "save it as .docx"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", "save it as .docx"),
    (b'<?xml version="1.0"?><w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml">', "save it as .docx"),
])
def test_a_docx_that_is_another_format_says_which(tmp_path, data, hint):
    """A user's trial: a text file saved as .docx got 'not a zip archive' and nothing on what to do."""
    p = tmp_path / "plan.docx"
    p.write_bytes(data)
    with pytest.raises(InputError, match=f"not a zip archive.*{hint}"):
        read_file(p)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.sampled_from("，。；：“”（）、\n 123abc"), min_size=1, max_size=200))
def test_utf8_and_gb18030_round_trip(text):
    for enc in ("utf-8", "gb18030"):
        decoded, _ = decode_bytes(text.encode(enc))
        assert decoded == text
