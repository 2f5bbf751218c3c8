"""Typeset Chinese text into real PDFs with reportlab, as government PDFs are laid out.

Each input line is a paragraph: the first ``title_lines`` are centred titles, the rest are
justified to the column with a two-character first-line indent and wrapped character by
character (CJK has no spaces). Every page gets a running header and a page number in one of the
styles Chinese PDFs use (``- 3 -``, ``第 3 页 共 12 页``, ``3/12``). Two-column pages fill the
left column, then the right one; ``interleave`` writes their lines to the content stream row by
row (left, right, left…), as some converters do, so only a reader that orders text by position
reads the columns in order.

Fonts: ``STSong-Light`` is reportlab's built-in CID font (Adobe-GB1, no font file, not
embedded); a path to a TrueType file (mplfonts ships SimHei.ttf) embeds a subset with a ToUnicode
map, as Word and WPS exports do.
"""
from __future__ import annotations

from pathlib import Path

PAGE_STYLES = {
    "dash": "- {n} -",
    "cn": "第 {n} 页 共 {total} 页",
    "slash": "{n}/{total}",
}


def _font(font: str) -> str:
    from reportlab.pdfbase import pdfmetrics

    if font.lower().endswith((".ttf", ".ttc")):
        from reportlab.pdfbase.ttfonts import TTFont

        name = Path(font).stem
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, font))
        return name
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    return font


def _wrap(text: str, width: float, first_indent: float, font: str, size: float) -> list[tuple[str, float]]:
    """Greedy character wrap: (line, x offset) pairs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[tuple[str, float]] = []
    cur, cur_w, indent = "", 0.0, first_indent
    for ch in text:
        w = stringWidth(ch, font, size)
        if cur and cur_w + w > width - indent:
            lines.append((cur, indent))
            cur, cur_w, indent = "", 0.0, 0.0
        cur += ch
        cur_w += w
    if cur or not lines:
        lines.append((cur, indent))
    return lines


def write_pdf(
    path: str | Path,
    paragraphs: list[str],
    *,
    columns: int = 1,
    font: str = "STSong-Light",
    size: float = 12,
    header: str = "",
    page_style: str = "dash",
    title_lines: int = 1,
    interleave: bool = False,
    encrypt=None,
    image_pages: int = 0,
) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    fname = _font(font)
    page_w, page_h = A4
    margin_x, top, bottom, gutter = 72.0, page_h - 80.0, 70.0, 24.0
    leading = size * 1.6
    col_w = (page_w - 2 * margin_x - gutter * (columns - 1)) / columns
    indent = 2 * size

    # Lay out: a list of pages, each a list of (x, y, text, font size) in column order.
    pages: list[list[tuple[float, float, str, float]]] = [[]]
    y = top
    col = 0
    full_width_bottom = top  # titles on page 1 span all columns; the columns start below them
    for k, para in enumerate(paragraphs):
        para = para.strip()
        if not para:
            continue
        if k < title_lines:
            tsize = size * 1.5
            for line, _ in _wrap(para, page_w - 2 * margin_x, 0, fname, tsize):
                w = stringWidth(line, fname, tsize)
                pages[-1].append(((page_w - w) / 2, y, line, tsize))
                y -= tsize * 1.6
            full_width_bottom = y - leading / 2
            y = full_width_bottom
            continue
        for line, off in _wrap(para, col_w, indent, fname, size):
            if y < bottom:
                col += 1
                if col >= columns:
                    pages.append([])
                    col = 0
                    full_width_bottom = top
                y = full_width_bottom
            x = margin_x + col * (col_w + gutter) + off
            pages[-1].append((x, y, line, size))
            y -= leading

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    c.setTitle("")  # real exports often carry no useful /Title: the text must speak for itself
    total = len(pages)
    for n, items in enumerate(pages, start=1):
        if header:
            c.setFont(fname, size * 0.8)
            c.drawCentredString(page_w / 2, page_h - 45, header)
            c.line(margin_x, page_h - 52, page_w - margin_x, page_h - 52)
        c.setFont(fname, size * 0.8)
        c.drawCentredString(page_w / 2, 35, PAGE_STYLES[page_style].format(n=n, total=total))
        order = sorted(items, key=lambda it: (-round(it[1], 1), it[0])) if interleave else items
        for x, yy, line, s in order:
            c.setFont(fname, s)
            c.drawString(x, yy, line)
        c.showPage()
    for _ in range(image_pages):  # scanned pages appended to a text PDF
        _draw_scan(c)
        c.showPage()
    c.save()
    return Path(path)


def _draw_scan(c) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    for k in range(20):
        draw.rectangle([60, 60 + 35 * k, 540, 70 + 35 * k], fill=0)  # lines of "text" as ink
    c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])


def write_image_pdf(path: str | Path) -> Path:
    """A 'scanned' PDF: one page that is only a picture, no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    _draw_scan(c)
    c.showPage()
    c.save()
    return Path(path)
