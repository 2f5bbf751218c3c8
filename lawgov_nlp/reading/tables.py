"""Task tables flattened to one cell per line (重点工作任务 | 牵头单位 | 责任单位, seed 003).

Portal scrapes and docx tables both arrive as a header of known column names, then for each row
its number on a line of its own followed by one line per cell. ``parse_table`` reads that
grammar; ``segment`` turns rows into table-row clauses under the clause before the table, and
``link_table_duplicates`` marks rows that restate a body clause of the same plan.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .clause import Clause
from .clean import Line
from .normalize import strip_punct
from .numbering import ANNEX, match_marker

TABLE_COLUMNS = {
    "序号", "重点工作任务", "工作任务", "主要任务", "具体任务", "任务", "工作内容", "工作措施", "具体措施",
    "牵头单位", "责任单位", "牵头部门", "责任部门", "配合单位", "配合部门", "完成时限", "完成时间",
    "时间节点", "时限要求", "备注",
}
TABLE_KEY_COLUMNS = {"牵头单位", "责任单位", "牵头部门", "责任部门", "配合单位", "配合部门"}


@dataclass
class TableRow:
    number: str
    task: list[Line]  # the task cell: the row's text
    fields: dict[str, str]  # the other cells by column, and 行号


def parse_table(units: Sequence[Sequence[Line]], i: int) -> tuple[list[TableRow], int] | None:
    """Rows of the table whose header starts at ``units[i]`` and the index after the table; None
    when there is no table (no key column such as 牵头单位, or no row 1 after the header)."""
    j = i
    header: list[str] = []
    while j < len(units) and units[j][0].text in TABLE_COLUMNS and len(header) < 8:
        header.append(units[j][0].text)
        j += 1
    columns = [h for h in header if h != "序号"]
    if not (TABLE_KEY_COLUMNS & set(header)) or len(columns) < 2 or j >= len(units) or units[j][0].text != "1":
        return None
    rows: list[TableRow] = []
    expected = 1
    while j < len(units) and units[j][0].text == str(expected):
        number_line = units[j][0]
        j += 1
        cells: list[list[Line]] = []
        for _ in columns:
            if j >= len(units) or units[j][0].text == str(expected + 1) or match_marker(units[j][0].text) or ANNEX.match(units[j][0].text):
                break
            cell = list(units[j])
            j += 1
            while cell[-1].text.endswith(("、", "，", ",")) and j < len(units) and units[j][0].text != str(expected + 1):
                cell.extend(units[j])
                j += 1
            cells.append(cell)
        # Overflow lines before the next row number belong to the last cell.
        look = j
        while look < len(units) and look - j < 6 and units[look][0].text != str(expected + 1):
            look += 1
        if look < len(units) and units[look][0].text == str(expected + 1) and cells:
            for k in range(j, look):
                cells[-1].extend(units[k])
            j = look
        if not cells:
            break
        fields = {col: "".join(ln.text for ln in cell) for col, cell in zip(columns[1:], cells[1:])}
        fields["行号"] = number_line.text
        rows.append(TableRow(str(expected), cells[0], fields))
        expected += 1
    return (rows, j) if rows else None


def link_table_duplicates(clauses: list[Clause], ratio: float = 0.5) -> None:
    """Mark table rows that repeat a body clause (seed 003's task table restates the plan body).

    An inverted index of body trigrams keeps this linear in the shared trigrams, not rows × clauses.
    """
    rows = [c for c in clauses if c.kind == "table_row"]
    if not rows:
        return
    body = [c for c in clauses if c.kind == "body"]
    postings: dict[str, list[int]] = {}
    for k, c in enumerate(body):
        for g in _trigrams(c.text):
            postings.setdefault(g, []).append(k)
    for row in rows:
        rg = _trigrams(row.text)
        if not rg:
            continue
        hits: dict[int, int] = {}
        for g in rg:
            for k in postings.get(g, ()):
                hits[k] = hits.get(k, 0) + 1
        if not hits:
            continue
        # the first body clause in document order wins ties, as a scan would have it
        best = max(hits, key=lambda k: (hits[k], -k))
        if hits[best] / len(rg) >= ratio:
            row.duplicate_of = body[best].id


def _trigrams(text: str) -> set[str]:
    s = strip_punct(text)
    return {s[i:i + 3] for i in range(len(s) - 2)}
