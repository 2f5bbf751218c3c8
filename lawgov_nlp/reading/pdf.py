"""PDFs with a text layer: characters with positions from PDFium, laid out again as paragraphs.

Why PDFium (``pypdfium2``, Apache-2.0/BSD-3): on the Chinese PDFs compared in
``scripts/compare_pdf_extractors.py`` it maps CJK glyphs exactly as pdfminer.six/pdfplumber do,
at 20-50 times their speed, in one 4 MB wheel with no dependencies. Neither library's own text
order is right for every layout (PDFium follows the content stream, pdfplumber sorts lines by
height and runs two columns into each other), so only the characters and their boxes are taken
from it and the page is read here:

1. characters are grouped into rows by their vertical extent and cut into segments at wide gaps;
2. a page whose segments leave a vertical gutter free, with text columns on both sides, is read
   column by column (lines crossing the gutter, such as a title, are read where they stand);
3. page furniture is dropped: the first or last line of a page when it is a page number
   (``- 3 -``, ``第 3 页 共 12 页``, ``3/12``), or when it repeats, digits aside, at the same height
   on other pages (running headers and footers);
4. hard-wrapped lines are joined into paragraphs: a line that runs to the column's right edge
   continues on the next line unless that one is indented, starts with a numbering marker, or
   stands apart; across page and column breaks too.

The result is one paragraph per line, as in a text file, so the cleaner and the segmenter treat
a PDF like any other document. A PDF without any text (a scan) or whose fonts carry no Unicode
map is refused with one line that says to OCR it; a password-protected PDF is refused too.
"""
from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from ..config import PdfConfig
from ..errors import InputError, MissingDependency
from .numbering import ANNEX, match_marker

log = logging.getLogger(__name__)

_OCR_HINT = "run OCR first (e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`) and read the OCR'd copy"

_PAGE_NUMBER = re.compile(
    r"^(?:[-－—–~·•]?\s*\d{1,4}\s*[-－—–~·•]?"  # 3, - 3 -, —3—
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页 / 第3页 共12页
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"  # 共12页 第3页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/12
    r"|(?:page|PAGE|Page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$"
)

_LATIN1_OK = set("·×÷°±§¥£©®µ¼½¾")
_BARE_NUMBER = re.compile(r"^[-－—–~·•]?\s*(\d{1,4})\s*[-－—–~·•]?$")


@dataclass
class PdfText:
    text: str
    pages: int
    title: str = ""  # the PDF's /Title, when it is a real title
    dropped: dict[str, int] = field(default_factory=dict)  # furniture lines dropped, by kind
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Seg:
    """A run of characters on one row: one line of one column."""

    page: int
    x0: float
    x1: float
    y0: float  # bottom (PDF coordinates grow upwards)
    y1: float  # top
    size: float  # median character height
    text: str
    row: int = 0
    col: int = 0  # 0 one column / left, 1 right, -1 crossing the gutter

    @property
    def mid(self) -> float:
        return (self.y0 + self.y1) / 2


def read_pdf(path: Path, data: bytes, cfg: PdfConfig | None = None) -> PdfText:
    """The text of a PDF with a text layer, page furniture dropped, one paragraph per line."""
    cfg = cfg or PdfConfig()
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except ImportError as exc:  # pragma: no cover - core dependency
        raise MissingDependency("reading PDF needs pypdfium2: pip install pypdfium2") from exc
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(f"{path}: PDF is password-protected; open it with the password and save or print an unprotected copy") from None
        raise InputError(f"{path}: not a readable PDF ({exc})") from None
    try:
        pages: list[list[_Seg]] = []
        heights: list[float] = []
        bad_chars = total_chars = 0
        image_pages: list[int] = []
        for n in range(len(pdf)):
            page = pdf[n]
            heights.append(page.get_height())
            tp = page.get_textpage()
            chars, bad = _chars(tp, raw)
            bad_chars += bad
            total_chars += len(chars)
            if not chars and _has_images(page, raw):
                image_pages.append(n + 1)
            pages.append(_segments(n, chars, cfg))
            tp.close()
            page.close()
        title = _pdf_title(pdf)
    finally:
        pdf.close()
    if total_chars == 0:
        if image_pages:
            pages_of = "1 page" if len(image_pages) == 1 else f"{len(image_pages)} pages"
            raise InputError(f"{path}: PDF has no text layer ({pages_of} of images: a scan?); {_OCR_HINT}")
        raise InputError(f"{path}: PDF contains no text")
    if bad_chars > cfg.max_unmapped_share * total_chars:
        raise InputError(f"{path}: PDF text cannot be decoded ({bad_chars} of {total_chars} characters have no Unicode mapping in their fonts); {_OCR_HINT}")
    out = PdfText("", len(pages), title)
    if image_pages:
        msg = f"page{'s' if len(image_pages) > 1 else ''} {_ranges(image_pages)} of {len(pages)} have no text layer (scanned?): their text is missing; {_OCR_HINT}"
        out.warnings.append(msg)
        log.warning("%s: %s", path, msg)
    ordered = _read_order_all(pages, cfg)
    kept = _drop_furniture(ordered, heights, cfg, out.dropped)
    out.text = "\n".join(_paragraphs(kept, cfg))
    return out


# -- characters --------------------------------------------------------------------------------
def _chars(tp, raw) -> tuple[list[tuple[str, float, float, float, float, float]], int]:
    """(char, left, bottom, right, top, baseline) of every real character, and how many lack a
    Unicode map. Boxes are PDFium's loose boxes (advance width × font ascent/descent): a tight box
    of “ or 一 covers only its ink and would not say which line the character sits on."""
    import ctypes

    out = []
    bad = 0
    handle = tp.raw
    has_map_error = getattr(raw, "FPDFText_HasUnicodeMapError", None)
    rect = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    for i in range(raw.FPDFText_CountChars(handle)):
        if raw.FPDFText_IsGenerated(handle, i) == 1:
            continue
        code = raw.FPDFText_GetUnicode(handle, i)
        if code in (0x0A, 0x0D, 0x02):  # line breaks and soft hyphens PDFium reports as characters
            continue
        try:
            ch = chr(code)
        except ValueError:
            bad += 1
            continue
        if ch.isspace():
            continue  # spacing is read from the geometry
        # Fonts without a ToUnicode map come out as control characters, private-use code points
        # or Latin-1 letters (ÄÅÇ…) in place of Chinese.
        if (code < 0x20 or code == 0xFFFD or 0xE000 <= code <= 0xF8FF or 0x80 <= code <= 0xFF and ch not in _LATIN1_OK
                or has_map_error and has_map_error(handle, i) == 1):
            bad += 1
        if not raw.FPDFText_GetLooseCharBox(handle, i, rect) or not raw.FPDFText_GetCharOrigin(handle, i, ox, oy):
            continue
        if rect.right <= rect.left or rect.top <= rect.bottom:
            continue
        out.append((ch, rect.left, rect.bottom, rect.right, rect.top, oy.value))
    return out, bad


def _has_images(page, raw) -> bool:
    return any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


def _pdf_title(pdf) -> str:
    try:
        title = (pdf.get_metadata_value("Title") or "").strip()
    except Exception:  # noqa: BLE001  (a broken info dictionary is no reason to refuse the text)
        return ""
    # Exports name the source file or the template ("Microsoft Word - 1.doc", "标题"): no title.
    if not re.search(r"[\u4e00-\u9fff]{4}", title) or re.search(r"(?i)(microsoft|wps|\.docx?$|\.wps$|^标题$)", title):
        return ""
    return title


# -- rows, segments, columns -------------------------------------------------------------------
def _segments(page: int, chars, cfg: PdfConfig) -> list[_Seg]:
    if not chars:
        return []
    # Rows: characters on one baseline, whatever the order the content stream draws them in.
    chars = sorted(chars, key=lambda c: -c[5])
    rows: list[list] = []
    for c in chars:
        if rows and abs(rows[-1][0][5] - c[5]) <= cfg.baseline_tolerance * (rows[-1][0][4] - rows[-1][0][2]):
            rows[-1].append(c)
        else:
            rows.append([c])
    segs: list[_Seg] = []
    for r, row in enumerate(rows):
        row.sort(key=lambda c: c[1])
        size = statistics.median(c[4] - c[2] for c in row) or 1.0
        cur = [row[0]]
        for prev, c in zip(row, row[1:]):
            if c[1] - prev[3] > cfg.segment_gap * size:
                segs.append(_make_seg(page, r, cur, cfg))
                cur = []
            cur.append(c)
        segs.append(_make_seg(page, r, cur, cfg))
    return segs


def _make_seg(page: int, row: int, chars, cfg: PdfConfig) -> _Seg:
    size = statistics.median(c[4] - c[2] for c in chars) or 1.0
    parts = [chars[0][0]]
    for prev, c in zip(chars, chars[1:]):
        # A gap of a third of a character between two Latin letters or digits is a word space;
        # CJK text has none (wider gaps there are justification or CJK/Latin autospace).
        gap = c[1] - prev[3]
        if gap > cfg.space_gap * size and (prev[0].isascii() and prev[0].isalnum() and c[0].isascii() and c[0].isalnum() or gap > cfg.wide_gap * size):
            parts.append(" ")
        parts.append(c[0])
    return _Seg(page, chars[0][1], max(c[3] for c in chars), min(c[2] for c in chars), max(c[4] for c in chars), size, "".join(parts), row)


def _read_order_all(pages: list[list[_Seg]], cfg: PdfConfig) -> list[list[_Seg]]:
    """Every page in reading order. A page whose own gutter is in doubt (a table, a short last
    page) takes the gutter most two-column pages of the document share, if its lines leave it free."""
    gutters = [_gutter(segs, cfg) for segs in pages]
    found = [g for g in gutters if g is not None]
    if found and len(found) >= cfg.column_pages_share * sum(1 for segs in pages if segs):
        mids = sorted((a + b) / 2 for a, b in found)
        common = mids[len(mids) // 2]
        for n, segs in enumerate(pages):
            if gutters[n] is None and segs:
                size = statistics.median(s.size for s in segs)
                crossing = sum(1 for s in segs if s.x0 < common - size / 2 and s.x1 > common + size / 2)
                if crossing <= cfg.max_crossing_share * len(segs):
                    gutters[n] = (common, common)
    return [_read_order(segs, g) for segs, g in zip(pages, gutters)]


def _read_order(segs: list[_Seg], gutter: tuple[float, float] | None) -> list[_Seg]:
    """Segments in reading order; a two-column page column by column."""
    if not segs:
        return []
    if gutter is None:
        return _merge_rows(segs)
    g = sum(gutter) / 2
    for s in segs:
        s.col = 0 if s.x1 <= g else 1 if s.x0 >= g else -1
    out: list[_Seg] = []
    block: list[_Seg] = []
    # Lines crossing the gutter (a title, a full-width heading) cut the page into bands; each
    # band is read left column first.
    for s in sorted(segs, key=lambda s: -s.mid):
        if s.col == -1:
            out.extend(_flush_block(block))
            block = []
            out.append(s)
        else:
            block.append(s)
    out.extend(_flush_block(block))
    return out


def _flush_block(block: list[_Seg]) -> list[_Seg]:
    left = [s for s in block if s.col == 0]
    right = [s for s in block if s.col == 1]
    return _merge_rows(left) + _merge_rows(right)


def _merge_rows(segs: list[_Seg]) -> list[_Seg]:
    """Segments of one row in one column become one line (a signature with its date, a table row)."""
    rows: dict[int, list[_Seg]] = {}
    for s in segs:
        rows.setdefault(s.row, []).append(s)
    out = []
    for row in rows.values():
        row.sort(key=lambda s: s.x0)
        first = row[0]
        if len(row) == 1:
            out.append(first)
            continue
        out.append(_Seg(first.page, first.x0, max(s.x1 for s in row), min(s.y0 for s in row), max(s.y1 for s in row),
                        statistics.median(s.size for s in row), " ".join(s.text for s in row), first.row, first.col))
    out.sort(key=lambda s: -s.mid)
    return out


def _gutter(segs: list[_Seg], cfg: PdfConfig) -> tuple[float, float] | None:
    """The free vertical strip between two text columns, if the page has one."""
    if len(segs) < 2 * cfg.min_column_lines:
        return None
    lo = min(s.x0 for s in segs)
    hi = max(s.x1 for s in segs)
    width = hi - lo
    if width <= 0:
        return None
    size = statistics.median(s.size for s in segs)
    start, stop = int(lo + width * 0.25), int(lo + width * 0.75)
    best: tuple[int, int, int] | None = None  # (crossing, a, b)
    x = start
    while x <= stop:
        crossing = sum(1 for s in segs if s.x0 < x < s.x1)
        if crossing <= cfg.max_crossing_share * len(segs):
            # widen the strip while it stays as free
            b = x
            while b + 1 <= stop and sum(1 for s in segs if s.x0 < b + 1 < s.x1) <= crossing:
                b += 1
            if b - x + 1 >= cfg.min_gutter * size and (best is None or crossing < best[0] or (crossing == best[0] and b - x > best[2] - best[1])):
                best = (crossing, x, b)
            x = b + 1
        else:
            x += 1
    if best is None:
        return None
    _, a, b = best
    left = [s for s in segs if s.x1 <= b]
    right = [s for s in segs if s.x0 >= a]
    # Both sides must be text columns: enough lines, most of them filling the column (a table's
    # short cells leave gutters too, and must be read row by row).
    for side, col_w in ((left, a - lo), (right, hi - b)):
        if len(side) < cfg.min_column_lines or col_w <= 0:
            return None
        full = sum(1 for s in side if s.x1 - s.x0 >= cfg.column_fill * col_w)
        if full < cfg.column_full_share * len(side):
            return None
    return float(a), float(b)


# -- page furniture ----------------------------------------------------------------------------
def _furniture_key(s: _Seg) -> tuple[str, int]:
    return _shape(s.text), round(s.mid / 4)


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s", "", text))


def _drop_furniture(pages: list[list[_Seg]], heights: list[float], cfg: PdfConfig, dropped: dict[str, int]) -> list[list[_Seg]]:
    edge: list[list[_Seg]] = []
    for segs, h in zip(pages, heights):
        cands = []
        by_height = sorted(segs, key=lambda s: -s.mid)  # by position: in two columns the footer is not last
        for s in by_height[: cfg.edge_lines] + by_height[-cfg.edge_lines:]:
            if s not in cands and (s.mid >= h * (1 - cfg.edge_band) or s.mid <= h * cfg.edge_band):
                cands.append(s)
        edge.append(cands)
    seen: dict[tuple[str, int], set[int]] = {}
    for n, cands in enumerate(edge):
        for s in cands:
            seen.setdefault(_furniture_key(s), set()).add(n)
    need = max(2, round(cfg.repeat_share * len(pages)))
    # A page number sits where the other pages have theirs (a task table's 序号 cell can also
    # end a page), and a bare number counts the pages (value - page index constant).
    # Both are counted per shape (``- # -``, ``#``, ``第#页``): a page's real numbers share one.
    at_height: dict[tuple[str, int], set[int]] = {}
    offsets: dict[tuple[str, int], int] = {}
    for n, cands in enumerate(edge):
        for s in cands:
            text = re.sub(r"\s", " ", s.text).strip()
            if _PAGE_NUMBER.match(text):
                shape = _shape(text)
                at_height.setdefault((shape, round(s.mid / 6)), set()).add(n)
                m = _BARE_NUMBER.match(text)
                if m:
                    key = (shape, int(m.group(1)) - n)
                    offsets[key] = offsets.get(key, 0) + 1
    counting = {o for o, k in offsets.items() if k >= 2 or len(pages) == 1}

    def number_height(s: _Seg, text: str) -> bool:
        b = round(s.mid / 6)
        return len(pages) == 1 or any(len(at_height.get((_shape(text), b + d), ())) >= 2 for d in (-1, 0, 1))

    out = []
    for n, segs in enumerate(pages):
        drop = set()
        for s in edge[n]:
            text = re.sub(r"\s", " ", s.text).strip()
            bare = _BARE_NUMBER.match(text)
            if bare and (_shape(text), int(bare.group(1)) - n) not in counting:
                continue
            if _PAGE_NUMBER.match(text) and number_height(s, text):
                drop.add(id(s))
                dropped["page_number"] = dropped.get("page_number", 0) + 1
            elif len(pages) >= 2 and len(seen[_furniture_key(s)]) >= need:
                drop.add(id(s))
                dropped["running_header"] = dropped.get("running_header", 0) + 1
        out.append([s for s in segs if id(s) not in drop])
    return out


# -- paragraphs --------------------------------------------------------------------------------
def _paragraphs(pages: list[list[_Seg]], cfg: PdfConfig) -> list[str]:
    """Join hard-wrapped lines; one paragraph per output line."""
    flow = [s for segs in pages for s in segs]
    if not flow:
        return []
    edges, two_col = _column_edges(pages)
    leading = _leading(flow)
    paras: list[str] = []
    prev: _Seg | None = None
    for s in flow:
        if prev is not None and _continues(prev, s, edges, two_col, leading, cfg):
            a, b = paras[-1][-1:], s.text[:1]
            paras[-1] += (" " if a.isascii() and a.isalpha() and b.isascii() and b.isalnum() else "") + s.text
        else:
            paras.append(s.text)
        prev = s
    return paras


def _layout(s: _Seg, two_col: set[int]) -> tuple[bool, int]:
    return s.page in two_col, s.col


def _column_edges(pages: list[list[_Seg]]) -> tuple[dict[tuple[bool, int], tuple[float, float]], set[int]]:
    """Left and right text edges of each column kind (single, left, right) over the whole
    document: a page of short table lines has the same margins as the others."""
    two_col = {s.page for segs in pages for s in segs if s.col == 1}
    by_kind: dict[tuple[bool, int], list[_Seg]] = {}
    for segs in pages:
        for s in segs:
            by_kind.setdefault(_layout(s, two_col), []).append(s)
    out = {}
    for kind, ss in by_kind.items():
        size = statistics.median(s.size for s in ss)
        out[kind] = (_edge(sorted(s.x0 for s in ss), size), _edge(sorted((s.x1 for s in ss), reverse=True), -size))
    return out, two_col


def _edge(xs: list[float], size: float) -> float:
    """The outermost position at least two lines reach (within a character): a margin, not a
    percentile, so a page of short table lines still has its real right edge."""
    for k, x in enumerate(xs[:-1]):
        if abs(xs[k + 1] - x) <= abs(size):
            return x
    return xs[0]


def _leading(flow: list[_Seg]) -> float:
    gaps = [a.mid - b.mid for a, b in zip(flow, flow[1:]) if a.page == b.page and a.col == b.col and 0 < a.mid - b.mid < 4 * a.size]
    return statistics.median(gaps) if gaps else 0.0


def _continues(prev: _Seg, s: _Seg, edges, two_col: set[int], leading: float, cfg: PdfConfig) -> bool:
    if prev.col == -1 or s.col == -1:
        return False
    right = edges[_layout(prev, two_col)][1]
    if prev.x1 < right - cfg.right_slack * prev.size:
        return False  # the line stops short: the paragraph ends there
    s_left = edges[_layout(s, two_col)][0]
    if s.x0 > s_left + cfg.indent * s.size:
        return False  # the next line is indented: a new paragraph
    if match_marker(s.text) is not None or ANNEX.match(s.text):
        return False
    same_column = prev.page == s.page and prev.col == s.col
    if same_column and leading and prev.mid - s.mid > cfg.paragraph_gap * leading:
        return False  # a blank line's worth of space between them
    if abs(s.size - prev.size) > 0.25 * prev.size:
        return False  # a heading in another size
    return True


def _ranges(nums: list[int]) -> str:
    out = []
    start = prev = nums[0]
    for n in nums[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}-{prev}" if prev != start else str(start))
        if n is not None:
            start = prev = n
    return ", ".join(out)
