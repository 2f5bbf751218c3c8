"""Word 97-2003 .doc / WPS .wps reading, on .doc files LibreOffice wrote (tests/data/fixtures)."""
from __future__ import annotations

import re
import shutil

import pytest
from helpers import CORPUS, FIXTURES, nfkc, numbered_tree

from lawgov_nlp.errors import InputError
from lawgov_nlp.reading.document import load_document
from lawgov_nlp.reading.ingest import read_file


def _squash(s: str) -> str:
    return re.sub(r"\s", "", nfkc(s))


def test_doc_of_a_seed_gives_the_text_versions_clause_tree():
    # funing-report.doc: the seed typeset in Word format with a running header and a PAGE field
    doc = load_document(FIXTURES / "funing-report.doc")
    text = load_document(CORPUS / "hebei-funing-report-2023.txt")
    assert doc.format == "doc"
    assert numbered_tree(doc) == numbered_tree(text)
    assert [(c.kind, _squash(c.text)) for c in doc.clauses] == [(c.kind, _squash(c.text)) for c in text.clauses]
    assert "PAGE" not in doc.text and "法治政府建设" not in doc.text.splitlines()  # header and page field left out


def test_doc_tables_become_table_rows_with_their_units():
    doc = load_document(FIXTURES / "task_table.doc")
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert [r.fields["牵头单位"] for r in rows] == ["县委依法治县办", "县司法局"]
    assert rows[1].text == "全面推行行政执法三项制度"
    assert "某县人民政府办公室\n" not in doc.text.split("通知")[0]  # the running header is not text


def test_wps_in_word_format_and_misnamed_doc_files(tmp_path):
    wps = tmp_path / "plan.wps"
    shutil.copyfile(FIXTURES / "task_table.doc", wps)
    raw = read_file(wps)
    assert raw.format == "wps" and "全面推行行政执法三项制度" in raw.text
    # a .docx renamed .doc, and a web page saved as .doc, are read as what they are
    import docx

    d = docx.Document()
    d.add_paragraph("一、总体要求")
    d.add_paragraph("（一）指导思想。坚持依法行政。")
    d.save(tmp_path / "renamed.doc")
    assert read_file(tmp_path / "renamed.doc").format == "docx"
    (tmp_path / "page.doc").write_text("<html><body><p>一、总体要求</p><p>（一）指导思想。坚持依法行政。</p></body></html>", encoding="gbk")
    raw = read_file(tmp_path / "page.doc")
    assert raw.format == "html" and raw.text.splitlines()[1] == "（一）指导思想。坚持依法行政。"


def test_bad_doc_files_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")  # no LibreOffice to fall back on
    ole = (FIXTURES / "task_table.doc").read_bytes()
    cases = {
        "truncated.doc": (ole[:1536], "cannot read this Word 97-2003 file"),
        "old.wps": (ole[:512] + b"\x00" * 2048, "older WPS format"),
        "letter.doc": (b"{\\rtf1\\ansi\\ansicpg936 hello}", "RTF"),
        "random.doc": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a Word 97-2003 or WPS document"),
    }
    for name, (data, reason) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(InputError) as exc:
            read_file(p)
        msg = str(exc.value)
        assert msg.startswith(str(p)) and reason in msg and "\n" not in msg, msg
