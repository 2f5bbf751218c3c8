"""``--format xlsx``: named tables written as one workbook, one sheet each (openpyxl).

A workbook is for people who open it in Excel, WPS or LibreOffice, so every cell is written as what
it is and nothing more:
- text stays text: a clause that starts with ``=`` or ``+`` is never turned into a formula;
- characters XML cannot carry (C0 controls in scraped text) become visible control pictures, as in
  the terminal (:func:`views.output.terminal_safe`), instead of breaking the file;
- a cell holds at most 32,767 characters (the spreadsheet limit); longer text is cut with "…";
- the header row is bold and frozen, and every sheet has an autofilter, so sorting and filtering
  work at once.
"""
from __future__ import annotations

import io
import re
from typing import Any, Mapping, Sequence

from ..errors import MissingDependency
from .cells import cell as _cell
from .cells import terminal_safe

MAX_CELL_CHARS = 32_767
# a sheet name is at most 31 characters and may not contain []:*?/\
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
# what XML 1.0 cannot hold and terminal_safe leaves (it keeps \t and \n, which XML allows)
_XML_BAD = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _openpyxl():
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingDependency("--format xlsx needs openpyxl: pip install openpyxl") from exc
    return openpyxl


def sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub("_", str(name)).strip("'") or "sheet"
    base = base[:31]
    out, n = base, 2
    while out.lower() in taken:
        suffix = f" ({n})"
        out = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(out.lower())
    return out


def cell_value(v: Any) -> Any:
    """A value as a spreadsheet cell holds it: numbers and booleans as such, everything else text."""
    v = _cell(v)
    if v is None or isinstance(v, (bool, int, float)):
        return v
    s = _XML_BAD.sub("\ufffd", terminal_safe(str(v)))
    return s if len(s) <= MAX_CELL_CHARS else s[: MAX_CELL_CHARS - 1] + "…"


def _width(values: Sequence[Any]) -> float:
    """A column width that fits most values (CJK characters count double), between 6 and 60."""
    best = 0.0
    for v in values[:200]:
        s = "" if v is None else str(v).split("\n", 1)[0]
        w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in s[:80])
        best = max(best, w)
    return float(min(60, max(6, best + 2)))


def workbook_bytes(sheets: Mapping[str, tuple[Sequence[str], Sequence[Mapping[str, Any]]]]) -> bytes:
    """An .xlsx file with one sheet per ``{name: (columns, rows)}``, rows being dicts keyed by column."""
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=False, vertical="top")
    for name, (columns, rows) in sheets.items():
        ws = wb.create_sheet(sheet_name(name, taken))
        columns = list(columns)
        values = [[cell_value(r.get(c)) for c in columns] for r in rows]
        for j, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(j)].width = _width([col] + [row[j - 1] for row in values])
        ws.freeze_panes = "A2"
        header = []
        for col in columns:
            c = WriteOnlyCell(ws, value=cell_value(col))
            c.data_type = "s"
            c.font = bold
            header.append(c)
        ws.append(header)
        for row in values:
            cells = []
            for v in row:
                c = WriteOnlyCell(ws, value=v)
                if isinstance(v, str):
                    c.data_type = "s"  # text, never a formula
                    c.alignment = wrap
                cells.append(c)
            ws.append(cells)
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(values) + 1)}"
    if not taken:
        wb.create_sheet("empty")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
