"""Pinyin for sorting and searching names, with the surname readings pypinyin gets wrong out of context."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# 多音字 surnames: pypinyin reads 曾 as ceng and 单 as dan when it has no context.
_SURNAMES: dict[str, list[str]] = {
    "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "长孙": ["zhang", "sun"], "单于": ["chan", "yu"],
    "曾": ["zeng"], "单": ["shan"], "解": ["xie"], "仇": ["qiu"], "朴": ["piao"], "区": ["ou"],
    "查": ["zha"], "盖": ["ge"], "乐": ["yue"], "缪": ["miao"], "覃": ["qin"], "翟": ["zhai"],
    "尉": ["yu"], "繁": ["po"], "召": ["shao"], "种": ["chong"], "秘": ["bi"], "冼": ["xian"],
    "折": ["she"], "黑": ["he"], "员": ["yun"], "参": ["shen"], "祭": ["zhai"], "句": ["gou"],
    "阚": ["kan"], "牟": ["mou"], "逄": ["pang"], "蕃": ["pi"], "重": ["chong"], "华": ["hua"],
    "任": ["ren"], "纪": ["ji"], "燕": ["yan"], "沈": ["shen"], "薄": ["bo"], "宿": ["su"],
    "隗": ["wei"], "臧": ["zang"], "眭": ["sui"], "莘": ["shen"], "贲": ["ben"], "柏": ["bai"],
}


@lru_cache(maxsize=65536)
def syllables(name: str) -> tuple[str, ...]:
    name = name.replace("·", "").replace("•", "").strip()
    for length in (2, 1):
        surname = name[:length]
        if len(name) > length and surname in _SURNAMES:
            rest = lazy_pinyin(name[length:], style=Style.NORMAL, errors="ignore")
            return tuple(_SURNAMES[surname] + [s.lower() for s in rest])
    return tuple(s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore"))


def full(name: str) -> str:
    """'zeng guo fan' — stored for sorting; spaces keep syllables apart."""
    return " ".join(syllables(name))


def initials(name: str) -> str:
    """'zgf' — for 拼音首字母 search."""
    return "".join(s[0] for s in syllables(name) if s)
