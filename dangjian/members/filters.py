"""The member list's filters, shared by the web list, the Excel export and the API (one FilterSet)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from dangjian.core.pickers import MAX_QUERY
from dangjian.core.scoping import subtree_q
from dangjian.lib import idcard
from dangjian.lib.dates import add_years
from dangjian.members.choices import ON_ROLL_STATES, Education, MemberState, PartyStatus, Sex
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

# Age bands of the 党内统计 公报; (label, min age, max age).
AGE_BANDS = [
    ("30", "30岁及以下", None, 30), ("31-35", "31至35岁", 31, 35), ("36-40", "36至40岁", 36, 40),
    ("41-45", "41至45岁", 41, 45), ("46-50", "46至50岁", 46, 50), ("51-55", "51至55岁", 51, 55),
    ("56-60", "56至60岁", 56, 60), ("61", "61岁及以上", 61, None),
]
# 党龄 bands (years since 转正).
PARTY_YEAR_BANDS = [
    ("0", "不满1年", 0, 0), ("1-5", "1至5年", 1, 5), ("6-10", "6至10年", 6, 10), ("11-20", "11至20年", 11, 20),
    ("21-30", "21至30年", 21, 30), ("31-50", "31至50年", 31, 50), ("51", "50年以上", 51, None),
]
# With a name search, sort on an expression the pinyin index cannot serve: otherwise PostgreSQL walks that
# index from "a" looking for, say, 王 (wang) and reads most of the table (8 s at 2·10⁶ members; 50 ms this way).
SEARCH_SORT = (Concat("name_pinyin", Value(""), output_field=CharField()).asc(), "id")
SORTS = {
    "name": ("name_pinyin", "id"), "-name": ("-name_pinyin", "-id"),
    "birth_date": ("birth_date", "id"), "-birth_date": ("-birth_date", "-id"),
    "joined_on": ("joined_on", "id"), "-joined_on": ("-joined_on", "-id"),
}
STATE_CHOICES = [("on_roll", "在册（含停止党籍）"), *MemberState.choices, ("all", "全部")]
# 身份证号-shaped: 18 characters (17 digits and a check digit or X) or the older 15 digits.
_ID_LIKE = re.compile(r"^(?:[0-9]{17}[0-9X]|[0-9]{15})$")


def _band_q(field: str, low: int | None, high: int | None, today: dt.date) -> Q:
    """People whose whole years since `field` lie in [low, high] on `today`."""
    q = Q()
    if low is not None:
        q &= Q(**{f"{field}__lte": add_years(today, -low)})
    if high is not None:
        q &= Q(**{f"{field}__gt": add_years(today, -(high + 1))})
    return q


# What a GET search by 身份证号 answers (page and API alike): the number would sit in the URL, the browser history
# and access logs (SEC-22), so it is refused, never searched; the lookup takes it by POST.
ID_IN_URL_MESSAGE = "身份证号不能在网址中查询，请使用“按身份证号查找”（接口：POST /api/v1/members/lookup/）"


def refuse_id_number(value: str) -> None:
    """A search text shaped like a 身份证号 is refused (SEC-22)."""
    if _ID_LIKE.match(idcard.normalize(value or "")):
        raise ValidationError(ID_IN_URL_MESSAGE)


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="姓名/拼音首字母", method="filter_q", max_length=MAX_QUERY, validators=[refuse_id_number]
    )
    org = django_filters.ModelChoiceFilter(
        label="党组织（含下级）", queryset=Organization.objects.all(), method="filter_org"
    )
    state = django_filters.ChoiceFilter(label="党籍状态", choices=STATE_CHOICES, method="filter_state", empty_label=None)
    party_status = django_filters.ChoiceFilter(label="党员类别", choices=PartyStatus.choices, empty_label="全部")
    sex = django_filters.ChoiceFilter(label="性别", choices=Sex.choices, empty_label="全部")
    education = django_filters.ChoiceFilter(label="学历", choices=Education.choices, empty_label="全部")
    age = django_filters.ChoiceFilter(
        label="年龄", choices=[(k, label) for k, label, _lo, _hi in AGE_BANDS], method="filter_age", empty_label="全部"
    )
    party_years = django_filters.ChoiceFilter(
        label="党龄", choices=[(k, label) for k, label, _lo, _hi in PARTY_YEAR_BANDS], method="filter_party_years",
        empty_label="全部",
    )
    sort = django_filters.ChoiceFilter(
        label="排序",
        choices=[("name", "姓名拼音"), ("-name", "姓名拼音倒序"), ("birth_date", "年龄从大到小"),
                 ("-birth_date", "年龄从小到大"), ("joined_on", "入党早的在前"), ("-joined_on", "入党晚的在前")],
        method="filter_sort", empty_label="默认",
    )

    class Meta:
        model = Member
        fields = ["q", "org", "state", "party_status", "sex", "education", "age", "party_years", "sort"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        if user is not None:
            self.filters["org"].queryset = Organization.objects.visible_to(user)  # type: ignore[attr-defined]
        for f in self.form.fields.values():
            css = "form-select" if hasattr(f, "choices") else "form-control"
            f.widget.attrs.setdefault("class", css)

    @property
    def qs(self) -> QuerySet[Member]:
        qs = super().qs
        if not self.form.cleaned_data.get("state"):
            qs = qs.filter(state__in=ON_ROLL_STATES)
        if not self.form.cleaned_data.get("sort"):
            searching = bool((self.form.cleaned_data.get("q") or "").strip())
            qs = qs.order_by(*SEARCH_SORT) if searching else qs.order_by(*SORTS["name"])
        return qs

    def known_count(self, user: Any) -> int | None:
        """The number of rows without counting them, when the only filter is an org (or none) over on-roll
        members: the org's kept subtree total (orgs.counters). None when a count query is needed."""
        if not self.form.is_valid():
            return None
        data = self.form.cleaned_data
        if any(data.get(k) for k in ("q", "party_status", "sex", "education", "age", "party_years")):
            return None
        if data.get("state") not in (None, "", "on_roll"):
            return None
        from dangjian.core.scoping import scope_for

        scope = scope_for(user)
        org = data.get("org")
        if org is not None:
            if not scope.covers(org.path, "view"):
                return None  # e.g. a plain 党员 filtering on their own branch sees only their own record
            return Organization.objects.filter(pk=org.pk).values_list("subtree_members", flat=True).first()
        if len(scope.view_roots) != 1 or scope.own_member_id:
            return None
        root = Organization.objects.filter(path=scope.view_roots[0]).values_list("subtree_members", flat=True).first()
        return root

    def filter_q(self, qs: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        value = value.strip()
        if not value:
            return qs
        if value.isascii() and value.replace(" ", "").isalpha():
            lowered = value.lower()
            return qs.filter(Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered))
        return qs.filter(name__contains=value)

    def filter_org(self, qs: QuerySet[Member], name: str, value: Organization | None) -> QuerySet[Member]:
        return qs.filter(subtree_q(value.path, "org__path")) if value else qs

    def filter_state(self, qs: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        if value in ("", "on_roll"):
            return qs.filter(state__in=ON_ROLL_STATES)
        if value == "all":
            return qs
        return qs.filter(state=value)

    def filter_age(self, qs: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        for key, _label, low, high in AGE_BANDS:
            if key == value:
                return qs.filter(_band_q("birth_date", low, high, self.today))
        return qs

    def filter_party_years(self, qs: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        for key, _label, low, high in PARTY_YEAR_BANDS:
            if key == value:
                return qs.filter(_band_q("confirmed_on", low, high, self.today))
        return qs

    def filter_sort(self, qs: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        return qs.order_by(*SORTS.get(value, SORTS["name"]))
