"""A local plan as the reference, read through the outline it implements (diff-plans --via).

The Handan plan restates the 纲要's task items one by one (its gold file cites, for each national
item, the local one). Its items must map to those national items; a target's status for a mapped item
is its status for the national item; the other-topic controls stay near nothing; the report says
which national item each local one was read through.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import CORPUS, DATA

from lawgov_nlp.analysis.bridge import link_items
from lawgov_nlp.analysis.results import Status, Unit
from lawgov_nlp.reading.corpus import load_path

HANDAN = CORPUS / "hebei-handan-district-plan-2021-2025.txt"
OUTLINE = CORPUS / "gangyao-2021-2025-outline.txt"


def _unit(cid: str) -> Unit:
    return Unit(cid, [cid], cid, cid, "", "body")


def test_an_item_links_to_the_national_item_its_passages_carry_best():
    items = [_unit("a"), _unit("b"), _unit("c")]
    # passages: two of a, one of b, one of c; three national items
    unit_of_passage = np.array([0, 0, 1, 2])
    evidence = np.array([[0.1, 3.0, 0.0, 0.2],
                         [0.0, 0.2, 5.0, 0.1],
                         [0.0, 0.0, 9.0, 0.3]])
    status = [Status.IMPLEMENTED, Status.IMPLEMENTED, Status.PARTIAL]
    links = link_items(items, unit_of_passage, ["a", "b", "c"], evidence, status, np.full(3, 2.0))
    # b carries national item 2 best, but the reference only mentions that one: it links to 1;
    # c reaches no threshold (a mention of an item restates none)
    assert [(k.item, k.national) for k in links] == [(0, 0), (1, 1)]
    assert links[0].evidence == 3.0
    assert link_items(items, unit_of_passage, ["a", "b", "c"], evidence, status, np.full(3, 3.5))[0].item == 1


@pytest.fixture(scope="module")
def bridged(cache_dir):
    from lawgov_nlp.analysis.align import Aligner
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    cache = EmbeddingCache(cache_dir / "embeddings.sqlite")
    return Aligner(load_path(HANDAN), cache=cache, via=load_path(OUTLINE)), Aligner(load_path(OUTLINE), cache=cache)


@pytest.mark.slow
def test_the_handan_items_map_to_the_national_items_they_restate(bridged):
    al, _ = bridged
    gold = json.loads((DATA / "diff_gold_handan_plan.json").read_text(encoding="utf-8"))
    local_of = {}  # local item label → national items whose gold evidence it is
    for it in gold["items"]:
        for e in it.get("evidence", []):
            if len(e["path"]) >= 2:
                local_of.setdefault(e["path"][-1], set()).add(it["ref"])
    links = {al.items[k.item].path[-1]: al.via.items[k.national].path[-1] for k in al.links}
    assert len(links) == len(al.items) == 30
    wrong = {local: nat for local, nat in links.items() if nat not in local_of.get(local, set())}
    assert not wrong


@pytest.mark.slow
def test_a_mapped_item_takes_the_targets_status_for_the_national_item(bridged):
    al, outline = bridged
    doc = load_path(CORPUS / "hebei-funing-report-2023.txt")
    local, national = al.align(doc), outline.align(doc)
    for k in al.links:
        mine, theirs = local.items[k.item], national.items[k.national]
        assert mine.status == theirs.status
        assert [m.clause_id for m in mine.matches] == [m.clause_id for m in theirs.matches]
        assert all(m.ref_spans == [] for m in mine.matches)  # offsets into the national text are not shown on the local one
        assert mine.reason.startswith("judged through " + al.via.items[k.national].path[-1])
        # the terms shown are those it was judged with (the local heading has none of its own)
        assert mine.expanded_terms == theirs.expanded_terms
        assert mine.through == al.via.items[k.national].path[-1] + al.via.items[k.national].heading  # shown in the terminal, JSON
    cited = {m.clause_id for it in local.items for m in it.matches}
    assert not cited & {a.clause_id for a in local.additions}
    # what the outline's reading finds no item in stays an addition (Funing's 提供优质法律服务)
    assert {a.clause_id for a in national.additions} <= {a.clause_id for a in local.additions}
    assert any(local.items[k.item].expanded_terms for k in al.links)
    info = al.reference_info()["via"]
    assert info["doc_id"] == "gangyao-2021-2025-outline" and len(info["links"]) == 30


@pytest.mark.slow
def test_through_the_outline_unrelated_documents_stay_near_nothing(bridged):
    al, _ = bridged
    for name in ("aipolicy-0045.txt", "govcn2019-0007.html", "govcn2019-0058.html"):
        r = al.align(load_path(DATA / "controls" / name))
        assert r.coverage <= 0.05 and r.unrelated, (name, r.coverage)
    assert al.align(load_path(CORPUS / "hebei-funing-report-2023.txt")).coverage >= 0.4


@pytest.mark.slow
def test_a_plan_of_the_earlier_period_keeps_its_period_note_and_is_warned(cache_dir):
    from lawgov_nlp.analysis.align import Aligner, reference_warnings
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    tongliao, outline = load_path(CORPUS / "neimenggu-tongliao-plan-2020.txt"), load_path(OUTLINE)
    funing = load_path(CORPUS / "hebei-funing-report-2023.txt")
    al = Aligner(tongliao, cache=EmbeddingCache(cache_dir / "embeddings.sqlite"), via=outline)
    assert any("2015-2020" in w for w in reference_warnings(tongliao, [funing], outline))
    own = al.align_own(funing)
    r = al.align(funing)
    assert [n for n in own.notes if n.startswith("this document belongs to the")] == \
           [n for n in r.notes if n.startswith("this document belongs to the")] != []


@pytest.mark.slow
def test_via_must_be_an_outline_and_the_reference_have_body_text(cache_dir):
    from lawgov_nlp.analysis.align import Aligner
    from lawgov_nlp.errors import InputError
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    cache = EmbeddingCache(cache_dir / "embeddings.sqlite")
    with pytest.raises(InputError, match="headings only"):
        Aligner(load_path(OUTLINE), cache=cache, via=load_path(OUTLINE))
    with pytest.raises(InputError, match="has body text"):
        Aligner(load_path(HANDAN), cache=cache, via=load_path(HANDAN))
