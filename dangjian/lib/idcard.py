"""居民身份证号 (GB 11643-1999): normalisation, ISO 7064 MOD 11-2 checksum, birth date and sex.

Pure functions, no Django. The hard check is ours; a birthplace table is deliberately not used
because gaps in such tables would reject real numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘX", "0123456789XXX")


class IdCardError(ValueError):
    """The number is not a valid 18-digit 身份证号; the message is shown to the user."""


@dataclass(frozen=True)
class IdCard:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def normalize(raw: str) -> str:
    return raw.translate(_FULLWIDTH).replace(" ", "").replace("\u3000", "").replace("x", "X").strip()


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse(raw: str) -> IdCard:
    """Validate and decode an 18-digit number; raise IdCardError with a Chinese message."""
    number = normalize(raw)
    if len(number) != 18:
        raise IdCardError("身份证号应为18位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdCardError("身份证号前17位应为数字，最后一位为数字或X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdCardError("身份证号中的出生日期不存在") from exc
    if birth.year < 1900:
        raise IdCardError("身份证号中的出生日期不合理")
    if check_digit(number[:17]) != number[17]:
        raise IdCardError("身份证号校验位不正确")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdCard(number=number, birth_date=birth, sex=sex)


def make(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number from a 6-digit region code, a birth date and a 3-digit sequence (demo data, tests)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
