"""Seed 002: a 通知 wrapping 2017 work points, scraped twice, with mangled 文号 and date."""

DOC = "guangxi-liujiang-workpoints-2017"


def test_structure_after_deduplication(corpus_docs, expected_structure):
    from helpers import assert_structure

    doc = corpus_docs[DOC]
    assert_structure(doc, expected_structure[DOC])
    parts = [c for c in doc.clauses if c.numbering == "part"]
    assert [len([k for k in doc.clauses if k.parent_id == p.id]) for p in parts] == [19, 12, 3]


def test_second_copy_is_dropped_and_reported(corpus_docs):
    doc = corpus_docs[DOC]
    assert len(doc.cleaning.duplicate_blocks) == 1
    first, last, copy_of = doc.cleaning.duplicate_blocks[0]
    assert first > 100 and last >= 200 and copy_of < 10
    assert any("repeated block" in w for w in doc.warnings)
    ids = [c.id for c in doc.clauses]
    assert len(ids) == len(set(ids))
    assert not any(c.span[0] > doc.text.index("上级政策文件") for c in doc.clauses)


def test_inline_enumerations_in_parentheses_are_not_clauses(corpus_docs):
    doc = corpus_docs[DOC]
    c = doc.at("一、/（一）")
    assert "可检验成果形式:1." in c.text
    assert not [k for k in doc.clauses if k.parent_id == c.id]


def test_notice_wrapper_is_preamble_and_mangled_metadata_read(corpus_docs):
    doc = corpus_docs[DOC]
    pre = [c for c in doc.clauses if c.kind == "preamble"]
    assert len(pre) >= 4
    assert pre[-1].text.startswith("根据上述总体要求")
    from lawgov_nlp.reading.document import load_document

    extracted = load_document(doc.path).meta  # without the manifest
    assert extracted.doc_number == "江依法行政办发〔2017〕3号"
    assert extracted.date == "2017-07-24"
    assert extracted.published == "2017-08-01"
    # a 印发 notice is titled and typed by the document it carries, as the manifest has it
    assert extracted.title == "柳州市柳江区2017年法治政府建设工作要点"
    assert extracted.doc_type == "工作要点" and extracted.year == 2017
