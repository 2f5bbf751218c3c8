"""Write the CJK web font the package ships: a WOFF2 subset of Noto Sans CJK SC Regular.

The HTML report and ``lawgov-nlp serve`` must show Chinese on a machine without CJK fonts, with
no CDN. The source is the Noto Sans CJK SC Regular that the ``mplfonts`` wheel ships (SIL Open
Font License 1.1, see ``lawgov_nlp/data/fonts/OFL.txt``). The subset keeps:

- every character of GB 2312 (the 6,763 hanzi of everyday simplified Chinese and its symbols);
- every character that occurs in the bundled corpus and, when present, the shared collection of
  595 government documents (this adds the traditional and rare characters real documents use);
- ASCII, Latin-1, general and CJK punctuation, full-width forms, circled and parenthesised
  numbers, arrows and the geometric shapes the views use as status marks.

Characters outside the subset fall back on the reader's system fonts (the CSS names them after
this one). OFL forbids the Reserved Font Name ("Source") on modified versions, so the subset is
renamed "Lawgov Sans CJK" (family and PostScript names); copyright and licence entries are kept.

    .venv/bin/python scripts/make_font_subset.py [--extra DIR ...]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "lawgov_nlp" / "data" / "fonts" / "LawgovSansCJK-Regular.woff2"
FAMILY = "Lawgov Sans CJK"
PS_NAME = "LawgovSansCJK-Regular"

RANGES = [
    (0x20, 0x7E), (0xA0, 0xFF),  # ASCII, Latin-1
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x214F), (0x2150, 0x218F), (0x2190, 0x21FF),  # letterlike, number forms, arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics ①⑴⒈
    (0x2500, 0x257F), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF),  # box, shapes, symbols
    (0x3000, 0x303F),  # CJK punctuation
    (0x3200, 0x32FF),  # enclosed CJK ㈠
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),  # CJK compatibility forms, full-width forms
]


def gb2312_chars() -> set[str]:
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def corpus_chars(dirs: list[Path]) -> set[str]:
    from lawgov_nlp.reading.document import iter_paths
    from lawgov_nlp.reading.ingest import read_file

    out: set[str] = set()
    for p in iter_paths([d for d in dirs if d.exists()]):
        try:
            out |= set(read_file(p).text)
        except Exception as exc:  # a file the reader refuses adds no characters
            print(f"skipped {p}: {exc}", file=sys.stderr)
    return out


def source_font() -> Path:
    import mplfonts

    p = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not p.exists():
        raise SystemExit(f"{p} not found: pip install mplfonts")
    return p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extra", type=Path, action="append", default=[], help="More document folders whose characters to keep.")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args()

    from fontTools import subset
    from fontTools.ttLib import TTFont

    chars = gb2312_chars() | corpus_chars([ROOT / "corpus", ROOT.parent / "shared" / "collection" / "docs", *args.extra])
    for a, b in RANGES:
        chars |= {chr(c) for c in range(a, b + 1)}
    font = TTFont(str(source_font()))
    cmap = font.getBestCmap()
    unicodes = sorted(ord(c) for c in chars if ord(c) in cmap)
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = ["kern", "liga", "locl", "vert", "vrt2", "halt", "palt"]
    opts.hinting = False
    opts.desubroutinize = True  # smaller after Brotli than subroutinized CFF
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    # a modified version may not carry the Reserved Font Name: rename it
    for rec in font["name"].names:
        if rec.nameID in (1, 4):
            rec.string = FAMILY
        elif rec.nameID == 3:
            rec.string = f"{PS_NAME};subset of Noto Sans CJK SC 1.004 made by lawgov-nlp"
        elif rec.nameID == 6:
            rec.string = PS_NAME
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [PS_NAME]
        top = cff.topDictIndex[0]
        for key in ("FullName", "FamilyName"):
            if hasattr(top, key):
                setattr(top, key, FAMILY)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(str(args.output))
    print(f"{args.output}: {len(unicodes)} characters, {args.output.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
