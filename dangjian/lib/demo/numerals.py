"""Chinese numerals for ordinal org names (第十二党支部, 第一百零三党支部)."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")


def _below_10000(n: int) -> str:
    out: list[str] = []
    zero_pending = False
    for power in (3, 2, 1, 0):
        d = (n // 10**power) % 10
        if d == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + _UNITS[power])
    return "".join(out)


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 103 → 一百零三, 20001 → 二万零一 (for 1 ≤ n < 10⁸)."""
    if n <= 0 or n >= 10**8:
        raise ValueError(n)
    high, low = divmod(n, 10000)
    if high:
        text = _below_10000(high) + "万"
        if low:
            text += ("零" if low < 1000 else "") + _below_10000(low)
    else:
        text = _below_10000(low)
    # 一十二 is written 十二 when it leads the number.
    return text[1:] if text.startswith("一十") else text
