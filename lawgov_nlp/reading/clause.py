"""A clause: one numbered unit of a document (or a pre/postamble block), with its span in the original text."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Clause:
    """One clause: a numbered unit with its own text (not its children's), or a pre/postamble block."""

    id: str
    doc_id: str
    path: tuple[str, ...]
    kind: str  # body | preamble | postamble | annex | table_row | paragraph
    heading: str
    text: str
    span: tuple[int, int]
    level: int
    parent_id: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    duplicate_of: str | None = None
    # book|subbook|chapter|section|article|part|item|decimal|num|pnum|rnum|circled|seq|ordinal|
    # continued|annex|table_row|""
    numbering: str = ""

    @property
    def marker(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def local_id(self) -> str:
        """The id without its document: equal in two versions of a document for the same content."""
        return self.id.split("#", 1)[1] if "#" in self.id else self.id

    def to_dict(self) -> dict:
        return {
            "clause_id": self.id, "doc_id": self.doc_id, "path": list(self.path), "kind": self.kind,
            "level": self.level, "heading": self.heading, "text": self.text, "span": list(self.span),
            "parent_id": self.parent_id, "fields": dict(self.fields), "duplicate_of": self.duplicate_of,
            "numbering": self.numbering,
        }
