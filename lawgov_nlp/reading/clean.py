"""Cleaning what scraping leaves behind, without touching the original text.

Cleaning never rewrites characters: it decides which lines of the original text are kept, and
records why the others were dropped. Offsets of kept lines stay offsets into the original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from .normalize import is_blank, normalize
from .numbering import match_marker


@dataclass(frozen=True)
class Line:
    """One line of the original text: ``text`` is ``original[start:end]`` with edge spaces trimmed."""

    no: int  # 0-based line number in the original
    start: int
    end: int
    text: str


@dataclass
class Dropped:
    line: Line
    reason: str  # "chrome" | "duplicate" | "blank"


@dataclass
class CleanResult:
    lines: list[Line]
    dropped: list[Dropped] = field(default_factory=list)
    duplicate_blocks: list[tuple[int, int, int]] = field(default_factory=list)  # (first_no, last_no, copy_of_no)
    chrome: dict[str, str] = field(default_factory=dict)  # values read from chrome before dropping it

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self.dropped:
            out[d.reason] = out.get(d.reason, 0) + 1
        return out


_TRIM = " \t\r\u3000\xa0\u2002\u2003\u2009\u200b\ufeff"


# Line ends: LF, CRLF, a lone CR (old Mac exports), form feed (page breaks from PDF text tools),
# and the Unicode line/paragraph separators; a CR of a CRLF is part of its line end.
_LINE_END = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


def split_lines(text: str) -> Iterator[Line]:
    """Lines of ``text`` with their offsets; edges trimmed of ASCII, ideographic, nbsp and en spaces."""
    pos = 0
    no = 0
    for m in _LINE_END.finditer(text):
        yield _line(text, no, pos, m.start())
        pos = m.end()
        no += 1
    yield _line(text, no, pos, len(text))


def _line(text: str, no: int, pos: int, end: int) -> Line:
    raw = text[pos:end]
    lead = len(raw) - len(raw.lstrip(_TRIM))
    stripped = raw.strip(_TRIM)
    s = pos + lead
    return Line(no, s, s + len(stripped), stripped)


# Whole-line portal chrome. Each pattern matches the stripped line; all are short lines.
_CHROME_PATTERNS = [
    r".{0,30}门户网站[!！]?.{0,20}",
    r".{0,20}今[日天]是[:：]?.{0,30}",
    r"模式切换", r"无障碍(浏览|阅读)?", r"长者模式", r"关怀版",
    r"分享到[:：]?.{0,30}",
    r"用户登录", r"还没有账号[?？]?", r"立即注册", r"忘记密码[?？]?", r"登录", r"注册",
    r"展开", r"收起", r"全文", r"打印(本页)?", r"【?打印】?", r"关闭(窗口|本页)?", r"【?关闭】?", r"返回顶部", r"TOP",
    r"字号[:：]?\s*[【\[]?大[】\]]?\s*[【\[]?中[】\]]?\s*[【\[]?小[】\]]?.{0,20}",
    r"(信息)?来源[:：].{0,80}", r"发布(时间|日期)[:：].{0,80}", r"(浏览|访问|阅读)(次数|量)[:：]?.{0,20}",
    r"(作者|编辑|责任编辑|供稿)[:：].{0,20}",
    r"索\s*引\s*号.{0,80}", r"主题分类.{0,40}", r"发布机构.{0,40}", r"文\s*号", r"成文日期.{0,40}",
    r"公文时效.{0,10}", r"有效性.{0,10}", r"发文(机关|字号)[:：]?",
    r".{0,4}政策解读.{0,6}[:：]\s*(https?://\S+)?", r"相关(链接|阅读|文件|新闻)[:：]?", r"上级政策文件",
    r"https?://\S+", r"(扫一扫|微信扫一扫).{0,20}", r"(网站地图|联系我们|网站声明|隐私声明).{0,40}",
    r"(当前位置|您的位置|您现在的位置)[:：].{0,80}", r"(首页\s*[>›»]\s*).{0,80}",
]
_CHROME = re.compile("^(?:" + "|".join(_CHROME_PATTERNS) + ")$")
# A label alone on its line ("发布时间:") whose value sits on the next non-blank line.
_LABEL_ONLY = re.compile(r"^(信息来源|来源|发布时间|发布日期|浏览次数)[:：]$")
_LABEL_VALUE_MAX = 40
_META_FROM_CHROME = {
    "来源": "source_site", "信息来源": "source_site", "发布时间": "published", "发布日期": "published",
    "索引号": "index_no",
}


def is_chrome(text: str) -> bool:
    # a numbered line or a sentence is content even when it mentions a portal (加强政府门户网站建设)
    if text.endswith("。") or match_marker(text) is not None:
        return False
    return len(text) <= 120 and bool(_CHROME.match(text))


def clean_lines(text: str, progress: Callable[[int], None] | None = None) -> CleanResult:
    """Keep the lines of ``text`` that carry document content.

    Drops blank lines, portal chrome, and repeated blocks (a run of at least three consecutive
    lines, 60+ characters, that repeats an earlier run: seed 002 is scraped twice).
    """
    kept: list[Line] = []
    result = CleanResult(lines=kept)
    skip_value = False
    for line in split_lines(text):
        if progress is not None and line.no % 5000 == 0:
            progress(line.start)
        if is_blank(line.text):
            result.dropped.append(Dropped(line, "blank"))
            continue
        t = line.text
        label = _LABEL_ONLY.match(t)
        if label:
            skip_value = label.group(1)  # type: ignore[assignment]
            result.dropped.append(Dropped(line, "chrome"))
            continue
        if is_chrome(t):
            _remember_inline(result.chrome, t)
            result.dropped.append(Dropped(line, "chrome"))
            skip_value = False
            continue
        if skip_value and len(t) <= _LABEL_VALUE_MAX and not t.endswith(("：", ":", "。")):
            result.dropped.append(Dropped(line, "chrome"))
            _remember(result.chrome, skip_value, t)  # type: ignore[arg-type]
            skip_value = False
            continue
        skip_value = False
        kept.append(line)
    _drop_repeated_blocks(result)
    return result


def _remember(meta: dict[str, str], label: str, value: str) -> None:
    key = _META_FROM_CHROME.get(label)
    if key and key not in meta:
        meta[key] = value.strip()


def _remember_inline(meta: dict[str, str], text: str) -> None:
    # "来源: 柳江区自然资源局  |  发布日期: 2017-08-01 10:15 |"
    for part in re.split(r"\s*\|\s*", text):
        m = re.match(r"^(信息来源|来源|发布时间|发布日期|索\s*引\s*号)[:：]?\s*(.+)$", part.strip())
        if m and m.group(2).strip():
            _remember(meta, re.sub(r"\s", "", m.group(1)), m.group(2).split("主题分类")[0])


_MIN_RUN_LINES = 3
_MIN_RUN_CHARS = 60
_MIN_KEY_CHARS = 6


def _drop_repeated_blocks(result: CleanResult) -> None:
    lines = result.lines
    keys = [normalize(ln.text) for ln in lines]
    first_at: dict[str, int] = {}
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        key = keys[i]
        j = first_at.get(key)
        if j is not None and len(key) >= _MIN_KEY_CHARS:
            k = 0
            while i + k < len(lines) and j + k < i and keys[i + k] == keys[j + k]:
                k += 1
            chars = sum(len(keys[i + m]) for m in range(k))
            if k >= _MIN_RUN_LINES and chars >= _MIN_RUN_CHARS:
                for m in range(k):
                    keep[i + m] = False
                    result.dropped.append(Dropped(lines[i + m], "duplicate"))
                result.duplicate_blocks.append((lines[i].no, lines[i + k - 1].no, lines[j].no))
                i += k
                continue
        first_at.setdefault(key, i)
        i += 1
    if not all(keep):
        result.lines = [ln for ln, k in zip(lines, keep) if k]
