"""Consistency checks of a member's data, shared by the form, the API, the importer and the actions.

Returns errors per field in Chinese; nothing here writes. Rules and sources: docs/rules.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from dangjian.lib import idcard
from dangjian.lib.dates import add_years, whole_years
from dangjian.lib.text import hidden_characters_message
from dangjian.members.choices import (
    ETHNICITIES,
    Education,
    Occupation,
    PartyStatus,
    PersonCategory,
    Sex,
)

# 党章 第一条, 发展党员工作细则 第五条: 年满十八岁; checked at the date of admission (入党日期).
MIN_AGE_AT_ADMISSION = 18
# 发展党员工作细则 第三十二条, 党章 第七条: 预备期为一年; one extension of at most one year.
PROBATION_YEARS = 1
MAX_PROBATION_YEARS = 2

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_NAME = re.compile(r"^[^\d\s!-/:-@\[-`{-~]{1,50}$")

# The stored values each choice field accepts, built once (a Choices class's `.values` is rebuilt on every access).
SEXES = frozenset(Sex.values)
CHOICE_SETS: dict[str, tuple[frozenset[str], str]] = {
    "sex": (SEXES, "性别"),
    "ethnicity": (frozenset(ETHNICITIES), "民族"),
    "education": (frozenset(Education.values), "学历"),
    "occupation": (frozenset(Occupation.values), "职业"),
    "person_category": (frozenset(PersonCategory.values), "人员类别"),
    "party_status": (frozenset(PartyStatus.values), "党员类别"),
}

REQUIRED = {
    "name": "姓名", "sex": "性别", "birth_date": "出生日期", "id_card": "身份证号", "education": "学历",
    "occupation": "职业", "person_category": "人员类别", "party_status": "党员类别", "joined_on": "入党日期",
}


@dataclass
class Checked:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def check_member_data(data: dict[str, Any], *, today: dt.date, require_id_card: bool = True) -> Checked:
    """Check one member's fields against each other and the rules; `data` holds Python values."""
    out = Checked()
    for name, label in REQUIRED.items():
        if name == "id_card" and not require_id_card:
            continue
        if data.get(name) in (None, ""):
            out.add(name, f"请填写{label}")
    name = (data.get("name") or "").strip()
    hidden = hidden_characters_message(name, "姓名")
    if hidden:
        out.add("name", hidden)
    elif name and not _NAME.match(name):
        out.add("name", "姓名不能包含数字、空格或符号")
    for choice_field, (allowed, label) in CHOICE_SETS.items():
        _choice(out, data, choice_field, allowed, label)

    birth: dt.date | None = data.get("birth_date")
    if birth and (birth > today or whole_years(birth, today) > 120):
        out.add("birth_date", "出生日期不合理")
    raw_id = (data.get("id_card") or "").strip()
    if raw_id:
        try:
            card = idcard.parse(raw_id)
        except idcard.IdCardError as exc:
            out.add("id_card", str(exc))
        else:
            if birth and card.birth_date != birth:
                out.add("birth_date", "出生日期与身份证号中的出生日期不一致")
            if data.get("sex") in SEXES and card.sex != data.get("sex"):
                out.add("sex", "性别与身份证号不一致")
    phone = (data.get("phone") or "").strip()
    if phone and not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        out.add("phone", "手机号应为11位手机号码或带区号的固定电话")

    joined: dt.date | None = data.get("joined_on")
    confirmed: dt.date | None = data.get("confirmed_on")
    if joined:
        if joined > today:
            out.add("joined_on", "入党日期不能晚于今天")
        if birth and whole_years(birth, joined) < MIN_AGE_AT_ADMISSION:
            out.add("joined_on", f"入党时须年满{MIN_AGE_AT_ADMISSION}周岁")
    status = data.get("party_status")
    if status == PartyStatus.FULL and not confirmed:
        out.add("confirmed_on", "正式党员须填写转正日期")
    if status == PartyStatus.PROBATIONARY and confirmed:
        out.add("confirmed_on", "预备党员不应有转正日期")
    if confirmed:
        if confirmed > today:
            out.add("confirmed_on", "转正日期不能晚于今天")
        if joined and confirmed < add_years(joined, PROBATION_YEARS):
            out.add("confirmed_on", "转正日期应在入党日期满一年之后（预备期为一年）")
        elif joined and confirmed > add_years(joined, MAX_PROBATION_YEARS):
            out.warnings.append("转正日期距入党日期超过两年，预备期延长一般不超过一年，请核实")
    return out


def _choice(out: Checked, data: dict[str, Any], name: str, allowed: frozenset[str], label: str) -> None:
    value = data.get(name)
    if value not in (None, "") and value not in allowed:
        out.add(name, f"{label}“{value}”不在可选范围内")
