"""The bundled corpus is byte-identical to the seeds, and every collection document ingests."""
from __future__ import annotations

import csv
import hashlib

import pytest
from helpers import CORPUS, SHARED

SEEDS = {
    "000_c88d759871d3960a.txt": "hebei-handan-district-plan-2021-2025.txt",
    "001_88a41170995715d1.txt": "hunan-changde-approval-bureau-report-2021.txt",
    "002_d3fc60b26da307f2.txt": "guangxi-liujiang-workpoints-2017.txt",
    "003_87adc51c3bcd8863.txt": "neimenggu-tongliao-plan-2020.txt",
    "004_0b9e2ca00c346d25.txt": "hebei-funing-report-2023.txt",
}


@pytest.mark.skipif(not (SHARED / "seeds").exists(), reason="shared/seeds not beside the checkout")
def test_corpus_files_are_byte_identical_to_seeds():
    for seed, name in SEEDS.items():
        assert hashlib.sha256((SHARED / "seeds" / seed).read_bytes()).digest() == hashlib.sha256((CORPUS / name).read_bytes()).digest()


def test_manifest_describes_every_file(corpus_docs):
    from lawgov_nlp.reading.corpus import read_manifest

    entries = read_manifest(CORPUS)
    assert set(entries) == {p.name for p in CORPUS.glob("*.txt")}
    for e in entries.values():
        m = e.meta
        assert m.title and m.issuer and m.level in {"national", "province", "city", "county"}
        assert m.doc_type in {"纲要", "实施方案", "工作要点", "年度报告"} and m.implements in {"2015-2020", "2021-2025"}
        assert isinstance(m.year, int) and m.source


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "collection").exists(), reason="shared/collection not beside the checkout")
def test_every_collection_document_ingests_and_segments():
    from lawgov_nlp.reading.document import load_document

    rows = list(csv.DictReader((SHARED / "collection" / "manifest.csv").open(encoding="utf-8")))
    assert len(rows) == 595
    numbered = 0
    for row in rows:
        doc = load_document(SHARED / "collection" / row["file"], doc_id=row["id"])
        assert doc.clauses, row["id"]
        for c in doc.clauses:
            assert c.span[0] < c.span[1] <= len(doc.text)
        numbered += doc.numbered
        if "一、" in row["numbering"] and "（一）" in row["numbering"]:
            assert doc.counts().get("part", 0) >= 2, row["id"]
    assert numbered >= 500
