"""How one value becomes text in any output: control characters made visible for terminals
(:func:`terminal_safe`) and a table cell as a plain scalar (:func:`cell`).

Apart from ``output`` so that the writers it calls (``xlsx``) and ``html`` can use the same rules
without importing the output layer back.
"""
from __future__ import annotations

import json
from enum import Enum
from typing import Any

# C0 controls but \t and \n, DEL, and C1 controls: shown as Unicode control pictures (␛ for ESC) or
# U+FFFD, one cell wide each, so a document can neither move the cursor nor hide a hyperlink.
_CONTROL_MAP = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROL_MAP[0x7F] = 0x2421
_CONTROL_MAP.update({c: 0xFFFD for c in range(0x80, 0xA0)})
# bidi overrides and isolates can reorder what a reader sees; zero-width chars are left alone
# (they are common in scraped Chinese text and harmless).
_CONTROL_MAP.update({c: 0xFFFD for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)})


def terminal_safe(text: str) -> str:
    """``text`` with every control character that could drive a terminal made visible."""
    return text.translate(_CONTROL_MAP)


def cell(v: Any) -> Any:
    """A CSV/xlsx cell: lists joined with "/", dicts as JSON, enums by value."""
    if isinstance(v, (list, tuple)):
        return "/".join(map(str, v))
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Enum):
        return v.value
    return v

