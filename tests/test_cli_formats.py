"""The CLI on a folder as researchers download them: PDF, .doc, .md, and files it cannot read."""
from __future__ import annotations

import json
import shutil

from helpers import CORPUS, FIXTURES, run_cli
from pdfmaker import write_image_pdf, write_pdf


def test_a_mixed_folder_is_read_and_every_skipped_file_named_in_one_line(tmp_path):
    d = tmp_path / "downloads"
    (d / "2024").mkdir(parents=True)
    paras = [ln for ln in (CORPUS / "hebei-funing-report-2023.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    write_pdf(d / "funing.pdf", paras, header="抚宁区人民政府", title_lines=2)
    shutil.copyfile(FIXTURES / "task_table.doc", d / "2024" / "要点.doc")
    (d / "notes.md").write_text("一、总体要求\n（一）指导思想。坚持依法行政。\n", encoding="utf-8")
    write_image_pdf(d / "scan.pdf")
    (d / "table.xlsx").write_bytes(b"PK\x03\x04")
    (d / ".DS_Store").write_bytes(b"\x00")
    before = {p: p.read_bytes() for p in d.rglob("*") if p.is_file()}

    r = run_cli(["inspect", str(d), "--summary", "--format", "json"])
    assert r.exit_code == 0, r.output
    docs = {x["doc_id"]: x for x in json.loads(r.stdout)["documents"]}
    assert set(docs) == {"funing", "要点", "notes"}
    assert docs["funing"]["format"] == "pdf" and docs["要点"]["format"] == "doc" and docs["notes"]["format"] == "txt"
    assert docs["funing"]["clause_count"] == 32
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning: skipped")]
    assert len(warnings) == 1
    line = warnings[0]
    assert "skipped 2 of 5 files" in line and "table.xlsx" in line and "scan.pdf (PDF has no text layer" in line and "OCR" in line
    assert ".DS_Store" not in line
    assert before == {p: p.read_bytes() for p in d.rglob("*") if p.is_file()}  # nothing the user owns changed


def test_a_named_unreadable_file_is_an_error_and_a_folder_of_them_too(tmp_path):
    scan = write_image_pdf(tmp_path / "scan.pdf")
    r = run_cli(["inspect", str(scan)])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "no text layer" in r.stderr
    only = tmp_path / "only-scans"
    only.mkdir()
    write_image_pdf(only / "a.pdf")
    r = run_cli(["inspect", str(only)])
    assert r.exit_code == 1 and "no documents found" in r.stderr and "a.pdf" in r.stderr
