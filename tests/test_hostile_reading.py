"""Hostile but fair inputs to the readers, through the real CLI (issue 10, "bounded cost" and "read
what is there"): each case asserts the exit code, a one-line message naming the file and the
limit or the reason, and that every user file is byte-identical afterwards. Sizes are the
issue's where they are cheap to build; costs are measured by scripts/bench_hostile.py, not here.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from helpers import run_cli

PLAN = "一、深化“放管服”改革\n（一）推行证明事项告知承诺制，减少企业办事跑腿次数。\n（二）推进“一网通办”。\n二、加强行政复议工作\n"


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _inspect(tmp_path: Path, path: Path, *extra: str):
    before = _snapshot(tmp_path)
    r = run_cli(["inspect", str(path), *extra])
    assert _snapshot(tmp_path) == before, "a user file changed"
    return r


def _one_line_error(r, *needles: str) -> str:
    assert r.exit_code == 1, r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.output
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def _docx(path: Path, paragraphs: int, chars_each: int = 1000) -> None:
    """A real .docx (python-docx) whose document.xml holds ``paragraphs`` × ``chars_each`` characters."""
    from docx import Document

    seed = path.with_name("seed.docx.tmp")
    Document().save(seed)
    body = ("<w:p><w:r><w:t>" + "法" * chars_each + "</w:t></w:r></w:p>") * paragraphs
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>').encode("utf-8")
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            dst.writestr(item, xml if item.filename == "word/document.xml" else src.read(item.filename))
    seed.unlink()


def test_docx_bomb_is_refused_by_its_declared_sizes(tmp_path):
    bomb = tmp_path / "bomb.docx"
    _docx(bomb, 20_000)  # 20M characters, 60 MB of XML, ~140 KB on disk
    assert bomb.stat().st_size < 300_000
    line = _one_line_error(_inspect(tmp_path, bomb), str(bomb), "unzip to", "over the limit")
    assert "LAWGOV_MAX_UNZIPPED_BYTES" in line


def test_a_normal_docx_still_reads(tmp_path):
    doc = tmp_path / "ok.docx"
    _docx(doc, 3, 20)
    r = _inspect(tmp_path, doc, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["documents"][0]["chars"] == 62


def test_text_over_the_document_limit_is_refused(tmp_path, monkeypatch):
    p = tmp_path / "big.txt"
    p.write_text(PLAN * 40, encoding="utf-8")  # 2,480 characters in 7,240 bytes
    monkeypatch.setenv("LAWGOV_MAX_CHARS", "2000")
    _one_line_error(_inspect(tmp_path, p), str(p), "over the limit of 2,000 characters per document", "LAWGOV_MAX_CHARS")
    monkeypatch.setenv("LAWGOV_MAX_CHARS", "100")  # 4 bytes/char cannot hold it: refused before decoding
    _one_line_error(_inspect(tmp_path, p), str(p), "is more text than the limit of 100 characters")


def test_html_over_the_markup_limit_is_refused(tmp_path, monkeypatch):
    p = tmp_path / "page.html"
    p.write_text("<html><body>" + "<p>一、条款。</p>" * 2000 + "</body></html>", encoding="utf-8")
    monkeypatch.setenv("LAWGOV_MAX_HTML_BYTES", "10000")
    _one_line_error(_inspect(tmp_path, p), str(p), "bytes of HTML, over the limit of 10,000 bytes per page")


def test_a_bad_limit_value_is_one_line(tmp_path, monkeypatch):
    p = tmp_path / "plan.txt"
    p.write_text(PLAN, encoding="utf-8")
    monkeypatch.setenv("LAWGOV_MAX_CHARS", "lots")
    _one_line_error(_inspect(tmp_path, p), "LAWGOV_MAX_CHARS='lots' is not a whole number")


def test_one_giant_clause_without_punctuation_is_cut_and_said(tmp_path):
    p = tmp_path / "clause.txt"
    p.write_text("一、" + ("法治政府建设推进依法行政" * 20_000)[:200_000] + "\n", encoding="utf-8")  # 600 KB
    r = _inspect(tmp_path, p, "--format", "json")
    assert r.exit_code == 0, r.output
    warning = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(warning) == 1 and str(p) in warning[0] and "over the limit of 20,000 characters per clause" in warning[0]
    clauses = json.loads(r.stdout)["documents"][0]["clauses"]
    assert len(clauses) == 11 and max(len(c["text"]) for c in clauses) <= 20_000  # 200,002 characters
    from lawgov_nlp.reading.pieces import sentences

    assert max(b - a for c in clauses for a, b in sentences(c["text"])) <= 400  # what an encoder would get


@pytest.mark.parametrize("markup, expect", [
    ("<div>" * 40_000 + "<p>一、深化放管服改革。</p>" + "</div>" * 40_000, 1),
    ("".join(f"<p>第{k}段内容。</p>" for k in range(20_000)), 20_000),
])
def test_deep_and_wide_html_read_in_one_pass(tmp_path, markup, expect):
    p = tmp_path / "page.html"
    p.write_text(f"<html><body>{markup}</body></html>", encoding="utf-8")
    r = _inspect(tmp_path, p, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["documents"][0]
    assert len(doc["clauses"]) == expect


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(tmp_path, encoding):
    p = tmp_path / "report.txt"
    p.write_bytes(PLAN.encode(encoding))
    r = _inspect(tmp_path, p, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["documents"][0]
    assert doc["encoding"] == encoding and [c["path"] for c in doc["clauses"]][:2] == [["一、"], ["一、", "（一）"]]


def test_lone_cr_line_ends_are_lines(tmp_path):
    p = tmp_path / "mac.txt"
    p.write_bytes(PLAN.replace("\n", "\r").encode("gb18030"))
    r = _inspect(tmp_path, p, "--format", "json")
    assert r.exit_code == 0 and "no numbering" not in r.stderr, r.output
    doc = json.loads(r.stdout)["documents"][0]
    assert [c["path"][-1] for c in doc["clauses"]] == ["一、", "（一）", "（二）", "二、"]
    text = p.read_bytes().decode("gb18030")
    assert all(text[c["span"][0]:c["span"][1]] == c["text"] for c in doc["clauses"])  # offsets into the original


def test_random_bytes_that_decode_as_utf16_garbage_are_still_binary(tmp_path):
    p = tmp_path / "blob.txt"
    p.write_bytes(bytes(range(256)) * 64)
    _one_line_error(_inspect(tmp_path, p), str(p), "binary file")
