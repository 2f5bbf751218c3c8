"""Clause ids that name a clause's content, not its position (see :func:`assign_ids`)."""
from __future__ import annotations

import hashlib
import re
from typing import Sequence

from .clause import Clause
from .numbering import ANNEX, bare_marker, match_marker

# Spaces, punctuation and symbols do not make a clause another clause. (A regex pass, not
# ``normalize``: this runs over every clause of every document read.)
_KEY_DROP = re.compile(r"[\W_]+")
_ID_PREFIX = {"preamble": "pre", "postamble": "post", "paragraph": "p", "annex": "annex", "table_row": "row"}


def content_key(c: Clause) -> str:
    """What a clause's id is made of: its numbering style and its own text without the marker,
    with spaces and punctuation removed and letters lower-cased (see :func:`assign_ids`)."""
    text = c.text
    if c.path and c.kind == "body" and c.numbering not in ("continued",):
        m = match_marker(text) or bare_marker(text.split("\n", 1)[0])
        if m is not None:
            text = text[m[3]:]
        elif c.numbering == "ordinal":
            text = text[len(c.marker):]
    elif c.kind == "annex":
        m = ANNEX.match(text)
        if m:
            text = text[m.end():]
    return f"{_id_prefix(c)}\x1f{_KEY_DROP.sub('', text).lower()}"


def _id_prefix(c: Clause) -> str:
    return _ID_PREFIX.get(c.kind) or c.numbering or "body"


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=5).hexdigest()


def assign_ids(doc_id: str, clauses: list[Clause], parents: Sequence[int | None] | None = None) -> None:
    """Give every clause an id that names its content, not its position.

    ``{doc_id}#{style}-{hash}``: the style is the clause's numbering (part, item, num, ordinal,
    decimal, article…) or kind (pre, post, p, annex, row), the hash is 40 bits of blake2b over the
    style and the clause's own text without its marker, spaces and punctuation (:func:`content_key`).
    So an id does not move when clauses are inserted, deleted or renumbered elsewhere: inserting a
    （一） renumbers every later （N） but leaves their ids alone.

    Rules:
    - a clause whose own text changes gets a new id (the old one names text that no longer exists);
      ``analysis.versions`` pairs it with its old version by path and similarity;
    - duplicates (the same style and text twice in a document): the first in document order keeps
      the plain id; a later copy is hashed with its parent's id too, and, if that still collides
      (same text under the same parent), gets ``~2``, ``~3``… in document order;
    - a parent's id does not depend on its children, nor a child's on its parent (except for
      duplicates), so editing a heading does not move the ids below it.

    ``parents`` (parallel to ``clauses``: the index of each clause's parent, or None) set the
    clauses' ``parent_id``; without it the parent ids already there are used.
    """
    order = sorted(range(len(clauses)), key=lambda k: clauses[k].span[0])
    used: set[str] = set()
    for k in order:
        c = clauses[k]
        if parents is not None:
            pk = parents[k]
            c.parent_id = clauses[pk].id if pk is not None else None
        key = content_key(c)
        prefix = _id_prefix(c)
        cid = f"{doc_id}#{prefix}-{_digest(key)}"
        if cid in used:
            cid = f"{doc_id}#{prefix}-{_digest(key + chr(31) + (c.parent_id or ''))}"
            base, n = cid, 1
            while cid in used:
                n += 1
                cid = f"{base}~{n}"
        used.add(cid)
        c.id = cid


