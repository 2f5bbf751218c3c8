"""Where a document comes from, read off its issuer or title when no manifest says it.

``infer_region("秦皇岛市抚宁区人民政府")`` is ``"河北省/秦皇岛市/抚宁区"``, the manifest's form
(province/city/county, "/"-separated), so ``--region 河北`` finds documents a user downloaded
without one. The gazetteer is ``data/regions.toml`` (provinces and prefecture-level units); a
county is taken only as written right after its city ("…市抚宁区"), never guessed.
"""
from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources

__all__ = ["infer_region"]

_SUFFIXED = ("盟", "地区", "自治州", "林区")  # written in full in the gazetteer; the rest take 市
# a county-level unit written right after its city; 市 only for county-level cities (…市辛集市 is rare)
_COUNTY = re.compile(r"([\u4e00-\u9fff]{1,6}?(?:区|县|旗|自治县|自治旗))")
_NOT_COUNTY = ("市辖区", "城区", "开发区", "新区", "园区", "行政区", "辖区", "示范区", "试验区", "管理区", "功能区", "自贸区")


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads(resources.files("lawgov_nlp.data").joinpath("regions.toml").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _index() -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    """One alternation of every province and city as written in text, longest first."""
    names: dict[str, tuple[str, str]] = {}
    for province, cities in _data()["provinces"].items():
        names[province] = (province, "")
        for city in cities:
            written = city if city.endswith(_SUFFIXED) else city + "市"
            names.setdefault(written, (province, written))
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    return pattern, names


def infer_region(*texts: str) -> str:
    """The region the first of ``texts`` that names one names ("" when none does)."""
    pattern, names = _index()
    for text in texts:
        if not text:
            continue
        m = pattern.search(text)
        if m is None:
            continue
        province, city = names[m.group(0)]
        rest = text[m.end():]
        if not city:  # a province, or a municipality whose districts follow directly
            nxt = pattern.match(rest)
            if nxt is not None and names[nxt.group(0)][0] == province and names[nxt.group(0)][1]:
                city, rest = names[nxt.group(0)][1], rest[nxt.end():]
        parts = [province, city] if city else [province]
        if city or province.endswith("市"):
            c = _COUNTY.match(rest)
            if c is not None and not c.group(1).endswith(_NOT_COUNTY) and "人民" not in c.group(1) and not c.group(1).startswith("某"):
                parts.append(c.group(1))
        return "/".join(parts)
    return ""
