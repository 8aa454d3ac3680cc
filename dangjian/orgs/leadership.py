"""班子 and 换届: the pure rule functions, the transactional actions, and the scoped, set-based queries.

Three layers, in this order in the file:
1. Pure functions (no database): term state, reminder limits, vacancies, secretary warnings. They receive rule
   values (dangjian.orgs.rules) as arguments, so each is tested at its boundaries with plain dates.
2. Actions: `open_term`, `appoint`, `end_post`, `record_step`, `adjust_term`. Each validates, checks scope,
   writes and audits inside one transaction; views, API and tests all call them.
   Who may do what (decided here, shown on the pages alike):
   - 班子 (appoint, end a post) and 换届 steps need the "change" scope on the org: a 支部书记 or 组织委员 keeps
     their own branch's committee and procedure records; 上级查看 reads only.
   - Opening a 届 and adjusting its end need the "structure" scope (党务管理员 of a higher org): a new 届 and an
     extension or advance exist only once the higher organisation has approved them (选举工作条例 第三条).
3. Queries: one org's 班子 page, the 换届 board over a visible subtree (one SQL statement for the rows, one for
   the tab counts, whatever the number of orgs), and scoped lookups for terms and holdings, which have no
   scoped manager of their own.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from dangjian.core import audit
from dangjian.core import rules as rule_registry
from dangjian.core.scoping import require, subtree_q
from dangjian.lib.dates import add_years
from dangjian.members.choices import MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.orglife.models import Meeting
from dangjian.orgs import rules
from dangjian.orgs.models import (
    COMMITTEE_POSTS,
    ElectionStep,
    ElectionStepKind,
    Organization,
    OrgKind,
    OrgStatus,
    Post,
    PostHolding,
    Term,
)

# The 换届 procedure in its order; extension and advance are not steps of it but approvals (adjust_term).
PROCEDURE: tuple[str, ...] = (
    ElectionStepKind.REMINDED,
    ElectionStepKind.REQUESTED,
    ElectionStepKind.APPROVED_PLAN,
    ElectionStepKind.ELECTED,
    ElectionStepKind.REPORTED,
    ElectionStepKind.CONFIRMED,
)
ADJUSTMENTS: tuple[str, ...] = (ElectionStepKind.EXTENDED, ElectionStepKind.ADVANCED)


# --- 1. pure functions -----------------------------------------------------------------------------------------


class TermState(models.TextChoices):
    """Where a 届 stands on a given day (the board's tabs)."""

    DONE = "done", "已换届"
    OVERDUE = "overdue", "已逾期"
    DUE_SOON = "due_soon", "半年内到期"
    NORMAL = "normal", "正常"


MISSING_LABEL = "未录入届次"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier when negative); a day the month lacks falls back to its last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def term_years(kind: str, values: dict[str, Any]) -> int | None:
    """The term length of an org kind from the rule values; None for a 党小组, which has no elected committee."""
    key = rules.TERM_YEARS_BY_KIND.get(kind)
    return int(values[key]) if key is not None else None


def reminder_date(due_on: dt.date, reminder_months: int) -> dt.date:
    """The day the higher organisation should start reminding: `reminder_months` before the term is due."""
    return add_months(due_on, -reminder_months)


def term_state(due_on: dt.date, closed_on: dt.date | None, today: dt.date, reminder_months: int) -> TermState:
    """已换届 once a new 届 closed this one; 已逾期 from the day after the due date; 半年内到期 from the reminder
    date up to and including the due date itself (the 届 is still in office that day); else 正常."""
    if closed_on is not None:
        return TermState.DONE
    if today > due_on:
        return TermState.OVERDUE
    if today >= reminder_date(due_on, reminder_months):
        return TermState.DUE_SOON
    return TermState.NORMAL


def due_soon_limit(today: dt.date, reminder_months: int) -> dt.date:
    """The latest due date that is already inside its reminder window on `today`.

    The SQL form of `term_state`'s 半年内到期 test: `today <= due_on <= due_soon_limit(today, months)` selects
    exactly the days for which `reminder_date(due_on) <= today`, month-end clamping included (a term due on
    31 August is reminded from 28 February, so on 28 February it is due soon).
    """
    limit = add_months(today, reminder_months)
    while reminder_date(limit + dt.timedelta(days=1), reminder_months) <= today:
        limit += dt.timedelta(days=1)
    return limit


def months_label(months: int) -> str:
    """12 → "1年", 6 → "6个月": how the regulations word the limits."""
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def vacancies(kind: str, posts: Iterable[str], max_deputies: int) -> list[str]:
    """What is missing or too many in an org's 班子, from the posts in office.

    Every org that has a committee or a secretary needs one 书记 (支部工作条例 第二十条、第二十一条: vacancies are
    filled promptly); a 党小组 needs its 组长; deputies are limited to `max_deputies`.
    """
    held = list(posts)
    found: list[str] = []
    if kind == OrgKind.GROUP:
        if Post.GROUP_LEADER not in held:
            found.append("党小组组长空缺")
        return found
    secretaries = held.count(Post.SECRETARY)
    if secretaries == 0:
        found.append("书记空缺")
    elif secretaries > 1:
        found.append(f"书记{secretaries}名，只能设1名")
    deputies = held.count(Post.DEPUTY)
    if deputies > max_deputies:
        found.append(f"副书记{deputies}名，一般不超过{max_deputies}名")
    return found


def secretary_warnings(holder: Member, today: dt.date, min_party_years: int) -> list[str]:
    """Eligibility notes on a secretary (支部工作条例 第二十三条, "一般": a warning, never a block).

    党龄 counts in whole years from 转正 (Member.party_years), so 364 days after 转正 is still 0 years.
    """
    years = holder.party_years(today)
    if years is None:
        return ["书记为预备党员"]
    if years < min_party_years:
        return [f"书记党龄不满{min_party_years}年"]
    return []


# --- 2. actions ------------------------------------------------------------------------------------------------


def _rule_values(on: dt.date) -> dict[str, Any]:
    """All leadership rule values in force on `on`, in one query."""
    return rule_registry.values(rules.ALL_KEYS, on)


def _not_after_today(day: dt.date, field_name: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field_name: [f"{label}不能晚于今天"]})


def in_office_q(day: dt.date) -> Q:
    """Holdings in office on `day`: started by then and not yet ended (the end day is the first day out)."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day))


def _open_ended_overlap_q(start: dt.date) -> Q:
    """Holdings that overlap an open-ended holding starting on `start`."""
    return Q(ends_on__isnull=True) | Q(ends_on__gt=start)


def term_in_force(org: Organization, day: dt.date) -> Term | None:
    """The org's 届 running on `day`, if one is recorded (called after the caller's scope check)."""
    return (
        Term.objects.filter(org=org, starts_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .order_by("-number")
        .first()
    )


@audit.records_denials
@transaction.atomic
def open_term(org: Organization, *, actor: Any, number: int, starts_on: dt.date, doc_no: str = "") -> Term:
    """Record a new 届 from its election date: the planned end follows from the term length of the org's kind.

    The previous open 届 is closed on the new start, its posts still in office end that day, and posts already
    appointed from that day on move to the new 届. Terms are entered in order: a new 届 may not start on or
    before an earlier 届's start or before its closure. Needs the "structure" scope (see the module docstring).
    """
    org = Organization.objects.select_for_update().get(pk=org.pk)
    require(actor, org.path, "structure", org)
    if org.kind not in rules.TERM_YEARS_BY_KIND:
        raise ValidationError({NON_FIELD_ERRORS: ["党小组不设届次"]})
    if org.status != OrgStatus.ACTIVE:
        raise ValidationError({NON_FIELD_ERRORS: ["已撤销的党组织不能新建届次"]})
    if number < 1:
        raise ValidationError({"number": ["届次应为正整数"]})
    _not_after_today(starts_on, "starts_on", "任期开始日期")
    terms = list(Term.objects.select_for_update().filter(org=org).order_by("number"))
    if any(t.number == number for t in terms):
        raise ValidationError({"number": [f"第{number}届已录入"]})
    if terms and terms[-1].number > number:
        raise ValidationError({"number": [f"届次应大于已录入的第{terms[-1].number}届"]})
    for t in terms:
        if t.starts_on >= starts_on or (t.closed_on is not None and t.closed_on > starts_on):
            raise ValidationError({"starts_on": [f"届次时间与第{t.number}届重叠"]})
    years = term_years(org.kind, _rule_values(starts_on))
    assert years is not None  # kinds without a term were refused above
    previous = next((t for t in terms if t.closed_on is None), None)
    ended = 0
    if previous is not None:
        previous.closed_on = starts_on
        previous.save(update_fields=["closed_on"])
        ended = PostHolding.objects.filter(term=previous, ends_on__isnull=True, starts_on__lt=starts_on).update(
            ends_on=starts_on, end_reason="换届"
        )
    term = Term.objects.create(
        org=org, number=number, starts_on=starts_on, planned_end=add_years(starts_on, years), doc_no=doc_no.strip()
    )
    PostHolding.objects.filter(org=org, starts_on__gte=starts_on).filter(
        Q(term__isnull=True) | Q(term=previous)
    ).update(term=term)
    audit.record("orgs.term_open", actor=actor, obj=term, org=org, changes={
        "number": number, "starts_on": starts_on.isoformat(), "planned_end": term.planned_end.isoformat(),
        "doc_no": doc_no, "closed_term": previous.number if previous else None, "ended_posts": ended,
    })
    return term


def _check_member_for_post(org: Organization, member: Member, post: str) -> None:
    """The member is on the roll (not suspended), placed where the post belongs, and may be elected."""
    if member.state != MemberState.ACTIVE:
        raise ValidationError({"member": ["该党员不在册或已停止党籍，不能任职"]})
    if org.kind == OrgKind.BRANCH and member.org_id != org.pk:
        raise ValidationError({"member": ["该党员不是本支部党员"]})
    if org.kind == OrgKind.GROUP and member.org_id != org.parent_id:
        raise ValidationError({"member": ["该党员不是本党小组所在支部的党员"]})
    if org.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
        inside = Organization.objects.filter(subtree_q(org.path), pk=member.org_id).exists()
        if not inside:
            raise ValidationError({"member": ["该党员不在本组织及其下级组织中"]})
    if post in COMMITTEE_POSTS and member.party_status != PartyStatus.FULL:
        # 选举工作条例 第五条: 预备党员没有被选举权.
        raise ValidationError({"member": [f"预备党员没有被选举权，不能担任{Post(post).label}"]})


@audit.records_denials
@transaction.atomic
def appoint(
    org: Organization, *, actor: Any, member: Member, post: str, starts_on: dt.date, doc_no: str = "",
    term: Term | None = None,
) -> PostHolding:
    """A member takes a post of the org's 班子 from `starts_on` (in office until end_post).

    One 书记 at a time, at most the rule's number of 副书记 (the error names who is in office), never the same
    member twice in the same post over overlapping days; 党小组组长 only on a 党小组. Without `term` the holding
    joins the 届 running on its start day. Needs the "change" scope.
    """
    org = Organization.objects.select_for_update().get(pk=org.pk)
    require(actor, org.path, "change", org)
    if org.status != OrgStatus.ACTIVE:
        raise ValidationError({NON_FIELD_ERRORS: ["已撤销的党组织不能任命班子成员"]})
    if post not in Post.values:
        raise ValidationError({"post": ["请选择职务"]})
    if org.kind == OrgKind.GROUP and post != Post.GROUP_LEADER:
        raise ValidationError({"post": ["党小组只设党小组组长"]})
    if org.kind != OrgKind.GROUP and post == Post.GROUP_LEADER:
        raise ValidationError({"post": ["党小组组长只能在党小组任职"]})
    _not_after_today(starts_on, "starts_on", "任职日期")
    member = Member.objects.get(pk=member.pk)
    _check_member_for_post(org, member, post)
    if term is not None and term.org_id != org.pk:
        raise ValidationError({"term": ["所选届次不属于本组织"]})
    if term is None:
        term = term_in_force(org, starts_on)
    holders = list(
        PostHolding.objects.filter(org=org, post=post).filter(_open_ended_overlap_q(starts_on))
        .select_related("member").order_by("starts_on", "pk")
    )
    label = Post(post).label
    if any(h.member_id == member.pk for h in holders):
        raise ValidationError({"member": [f"{member.name}已在任{label}，任职时间不能重叠"]})
    if post == Post.SECRETARY and holders:
        raise ValidationError({"post": [f"已有书记在任：{holders[0].member.name}，请先办理其离任"]})
    if post == Post.DEPUTY:
        max_deputies = int(_rule_values(starts_on)[rules.MAX_DEPUTY_SECRETARIES])
        if len(holders) >= max_deputies:
            names = "、".join(h.member.name for h in holders)
            raise ValidationError({"post": [f"已有副书记在任：{names}；副书记一般只设{max_deputies}名"]})
    holding = PostHolding.objects.create(
        org=org, term=term, member=member, post=post, starts_on=starts_on, doc_no=doc_no.strip()
    )
    audit.record("orgs.post_appoint", actor=actor, obj=holding, org=org, changes={
        "member": member.name, "post": label, "starts_on": starts_on.isoformat(), "doc_no": holding.doc_no,
        "term": term.number if term else None,
    })
    return holding


@audit.records_denials
@transaction.atomic
def end_post(holding: PostHolding, *, actor: Any, ends_on: dt.date, reason: str) -> PostHolding:
    """The holder leaves the post on `ends_on` (the first day out of office), with the reason kept on the post."""
    holding = PostHolding.objects.select_for_update().select_related("org", "member").get(pk=holding.pk)
    require(actor, holding.org.path, "change", holding.org)
    if holding.ends_on is not None:
        raise ValidationError({"ends_on": ["该职务已离任"]})
    if ends_on <= holding.starts_on:
        raise ValidationError({"ends_on": ["离任日期应晚于任职日期"]})
    _not_after_today(ends_on, "ends_on", "离任日期")
    if not reason.strip():
        raise ValidationError({"reason": ["请填写离任原因"]})
    holding.ends_on = ends_on
    holding.end_reason = reason.strip()[:200]
    holding.save(update_fields=["ends_on", "end_reason"])
    audit.record("orgs.post_end", actor=actor, obj=holding, org=holding.org, reason=reason.strip(), changes={
        "member": holding.member.name, "post": holding.get_post_display(), "ends_on": ends_on.isoformat(),
    })
    return holding


@audit.records_denials
@transaction.atomic
def record_step(
    term: Term, *, actor: Any, kind: str, date: dt.date, doc_no: str = "", meeting: Meeting | None = None,
    note: str = "",
) -> ElectionStep:
    """One dated step of the 换届 procedure of `term` (the 届 that is ending).

    Steps follow PROCEDURE: a step may be skipped (not every reminder is recorded) but never recorded after a
    later one, and none is dated before the previous step or before the 届 began. The election step may point at
    its meeting, which must be the org's own and held that day. Needs the "change" scope.
    """
    term = Term.objects.select_for_update().select_related("org").get(pk=term.pk)
    require(actor, term.org.path, "change", term.org)
    if kind in ADJUSTMENTS:
        raise ValidationError({"kind": ["延期或提前换届请通过“调整届满日期”办理"]})
    if kind not in PROCEDURE:
        raise ValidationError({"kind": ["请选择换届步骤"]})
    _not_after_today(date, "date", "日期")
    if date < term.starts_on:
        raise ValidationError({"date": ["日期不能早于本届任期开始"]})
    done = list(term.steps.filter(kind__in=PROCEDURE))
    last = max(done, key=lambda s: (PROCEDURE.index(s.kind), s.date), default=None)
    label = ElectionStepKind(kind).label
    if last is not None:
        if PROCEDURE.index(kind) <= PROCEDURE.index(last.kind):
            raise ValidationError({"kind": [
                f"已记录“{last.get_kind_display()}”，不能再记录“{label}”：换届步骤须按顺序办理"
            ]})
        if date < last.date:
            raise ValidationError({"date": [
                f"日期不能早于上一步骤“{last.get_kind_display()}”（{last.date.year}年{last.date.month}月{last.date.day}日）"
            ]})
    if meeting is not None:
        if kind != ElectionStepKind.ELECTED:
            raise ValidationError({"meeting": ["只有“召开大会选举”步骤关联选举大会"]})
        if meeting.org_id != term.org_id:
            raise ValidationError({"meeting": ["选举大会应为本组织召开的会议"]})
        if meeting.held_on != date:
            raise ValidationError({"meeting": ["选举大会的日期与本步骤日期不一致"]})
    step = ElectionStep.objects.create(
        term=term, kind=kind, date=date, doc_no=doc_no.strip(), meeting=meeting, note=note.strip(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record("orgs.election_step", actor=actor, obj=step, org=term.org, changes={
        "term": term.number, "kind": label, "date": date.isoformat(), "doc_no": step.doc_no,
    })
    return step


@audit.records_denials
@transaction.atomic
def adjust_term(
    term: Term, *, actor: Any, kind: str, new_end: dt.date, doc_no: str, date: dt.date | None = None,
    note: str = "",
) -> Term:
    """An approved extension (EXTENDED) or advance (ADVANCED) of a 届's end, by at most the rule's limit from the
    planned end (选举工作条例 第三条: 一般不超过1年), with the approval's document number. Recorded as a step
    dated `date` (the approval, today when omitted). Needs the "structure" scope."""
    term = Term.objects.select_for_update().select_related("org").get(pk=term.pk)
    require(actor, term.org.path, "structure", term.org)
    day = date or timezone.localdate()
    if kind not in ADJUSTMENTS:
        raise ValidationError({"kind": ["请选择延期换届或提前换届"]})
    if term.closed_on is not None:
        raise ValidationError({NON_FIELD_ERRORS: ["该届已换届，不能调整届满日期"]})
    if not doc_no.strip():
        raise ValidationError({"doc_no": ["请填写上级党组织批复文号"]})
    _not_after_today(day, "date", "批准日期")
    if kind == ElectionStepKind.EXTENDED and new_end <= term.planned_end:
        raise ValidationError({"new_end": ["延期换届的届满日期应晚于原届满日期"]})
    if kind == ElectionStepKind.ADVANCED and new_end >= term.planned_end:
        raise ValidationError({"new_end": ["提前换届的届满日期应早于原届满日期"]})
    if new_end <= term.starts_on:
        raise ValidationError({"new_end": ["届满日期应晚于任期开始"]})
    limit = int(_rule_values(day)[rules.TERM_ADJUST_MAX_MONTHS])
    if not add_months(term.planned_end, -limit) <= new_end <= add_months(term.planned_end, limit):
        raise ValidationError({"new_end": [f"延长或提前期限一般不超过{months_label(limit)}"]})
    before = term.adjusted_end
    term.adjusted_end = new_end
    term.adjustment_doc_no = doc_no.strip()
    term.save(update_fields=["adjusted_end", "adjustment_doc_no"])
    ElectionStep.objects.create(
        term=term, kind=kind, date=day, doc_no=term.adjustment_doc_no,
        note=note.strip() or f"届满日期调整为{new_end.year}年{new_end.month}月{new_end.day}日",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record("orgs.term_adjust", actor=actor, obj=term, org=term.org, changes={
        "kind": ElectionStepKind(kind).label, "adjusted_end": [before.isoformat() if before else None, new_end.isoformat()],
        "doc_no": term.adjustment_doc_no,
    })
    return term


# --- 3. queries ------------------------------------------------------------------------------------------------


def terms_visible_to(user: Any, action: str = "view") -> QuerySet[Term]:
    """Terms of the orgs the user may reach for `action` (Term has no scoped manager of its own)."""
    return Term.objects.filter(org__in=Organization.objects.visible_to(user, action))


def holdings_visible_to(user: Any, action: str = "view") -> QuerySet[PostHolding]:
    """Post holdings of the orgs the user may reach for `action`."""
    return PostHolding.objects.filter(org__in=Organization.objects.visible_to(user, action))


def _get_scoped(queryset: QuerySet[Any], unscoped: QuerySet[Any], user: Any, action: str, pk: Any) -> Any:
    """One row the user may reach, else 404 for missing and forbidden alike (the forbidden case audited),
    as dangjian.core.scoping.get_for_user does for models with a scoped manager."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        try:
            obj = unscoped.filter(pk=pk).first()
        except (ValueError, TypeError):
            obj = None
        if obj is not None:
            audit.record("auth.denied", actor=user, obj=obj, result="denied",
                         reason=f"{queryset.model._meta.label_lower}.{action}")
        raise Http404("未找到该记录") from exc


def get_term_for_user(user: Any, pk: Any, action: str = "view") -> Term:
    return _get_scoped(  # type: ignore[no-any-return]
        terms_visible_to(user, action).select_related("org"), Term.objects.all(), user, action, pk
    )


def get_holding_for_user(user: Any, pk: Any, action: str = "view") -> PostHolding:
    return _get_scoped(  # type: ignore[no-any-return]
        holdings_visible_to(user, action).select_related("org", "member"), PostHolding.objects.all(), user,
        action, pk,
    )


def members_for_post(user: Any, org: Organization) -> QuerySet[Member]:
    """The members the appoint form offers: active, within the user's "change" scope, placed where the org's
    posts belong (the branch itself; a group's branch; a committee's whole subtree)."""
    qs = Member.objects.visible_to(user, "change").filter(state=MemberState.ACTIVE)
    if org.kind == OrgKind.BRANCH:
        qs = qs.filter(org=org)
    elif org.kind == OrgKind.GROUP:
        qs = qs.filter(org_id=org.parent_id)
    else:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    return qs.select_related("org").order_by("name_pinyin", "pk")


def meetings_for_step(user: Any, term: Term) -> QuerySet[Meeting]:
    """The org's meetings the user may change, newest first: the candidates for the election meeting."""
    return Meeting.objects.visible_to(user, "change").filter(org_id=term.org_id).order_by("-held_on", "-pk")


def posts_for(org: Organization) -> list[tuple[str, str]]:
    """The posts an org of this kind has: 党小组组长 on a 党小组, the committee posts elsewhere."""
    if org.kind == OrgKind.GROUP:
        return [(Post.GROUP_LEADER, Post.GROUP_LEADER.label)]
    return [(p, Post(p).label) for p in COMMITTEE_POSTS]


@dataclass
class TermView:
    """One 届 on the org page: its state today and its steps in order."""

    term: Term
    state: TermState
    reminder_on: dt.date
    steps: list[ElectionStep]


@dataclass
class Leadership:
    """Everything the org's 班子 page shows, computed after the caller has checked the user may see the org."""

    in_office: list[PostHolding]
    past: list[PostHolding]
    terms: list[TermView]
    current: TermView | None
    vacancies: list[str]
    warnings: list[str]
    next_number: int
    values: dict[str, Any] = field(default_factory=dict)


def org_leadership(org: Organization, today: dt.date) -> Leadership:
    """The 班子 in office, earlier holders, every 届 with its steps, vacancies and eligibility warnings.

    A fixed number of queries: rule values, holdings, terms, steps (prefetched).
    """
    values = _rule_values(today)
    holdings = list(PostHolding.objects.filter(org=org).select_related("member", "term").order_by("post", "-starts_on"))
    order = {p: i for i, p in enumerate(Post.values)}
    in_office = sorted(
        (h for h in holdings if h.starts_on <= today and (h.ends_on is None or h.ends_on > today)),
        key=lambda h: (order[h.post], h.starts_on),
    )
    past = sorted((h for h in holdings if h not in in_office), key=lambda h: h.starts_on, reverse=True)
    months = int(values[rules.TERM_REMINDER_MONTHS])
    terms = [
        TermView(term=t, state=term_state(t.due_on, t.closed_on, today, months),
                 reminder_on=reminder_date(t.due_on, months), steps=list(t.steps.all()))
        for t in Term.objects.filter(org=org).prefetch_related("steps__meeting").order_by("-number")
    ]
    current = next((tv for tv in terms if tv.term.closed_on is None), None)
    found = vacancies(org.kind, [h.post for h in in_office], int(values[rules.MAX_DEPUTY_SECRETARIES]))
    warnings: list[str] = []
    for h in in_office:
        if h.post == Post.SECRETARY:
            warnings += [f"{h.member.name}：{w}" for w in secretary_warnings(
                h.member, today, int(values[rules.SECRETARY_MIN_PARTY_YEARS]))]
    if org.kind != OrgKind.GROUP and not terms:
        warnings.append(MISSING_LABEL)
    return Leadership(
        in_office=in_office, past=past, terms=terms, current=current, vacancies=found, warnings=warnings,
        next_number=(terms[0].term.number + 1) if terms else 1, values=values,
    )


# The board's tabs: code → label; "" is every org.
BOARD_TABS: list[tuple[str, str]] = [
    ("", "全部"),
    (TermState.DUE_SOON.value, "半年内到期"),
    (TermState.OVERDUE.value, "已逾期"),
    ("adjusted", "已批准延期或提前"),
    ("done", "本年已换届"),
    ("missing", MISSING_LABEL),
]


@dataclass
class BoardContext:
    """The day and rule values a board query was built for, so rows and counts agree."""

    today: dt.date
    reminder_months: int
    limit: dt.date


def board_context(today: dt.date) -> BoardContext:
    months = int(_rule_values(today)[rules.TERM_REMINDER_MONTHS])
    return BoardContext(today=today, reminder_months=months, limit=due_soon_limit(today, months))


def _tab_q(tab: str, ctx: BoardContext) -> Q:
    """The SQL condition of one board tab, on the annotations of `board_rows`."""
    open_term = Q(term_id__isnull=False, term_closed_on__isnull=True)
    if tab == TermState.DUE_SOON:
        return open_term & Q(term_due_on__gte=ctx.today, term_due_on__lte=ctx.limit)
    if tab == TermState.OVERDUE:
        return open_term & Q(term_due_on__lt=ctx.today)
    if tab == "adjusted":
        return open_term & Q(term_adjusted_end__isnull=False)
    if tab == "done":
        return Q(closed_this_year=True)
    if tab == "missing":
        return Q(term_id__isnull=True)
    return Q()


def board_rows(user: Any, ctx: BoardContext, tab: str = "") -> QuerySet[Organization]:
    """The 换届 board over the user's visible subtree, as ONE SQL statement whatever the number of orgs.

    Each active org that elects a committee (党委, 党总支, 党支部) is annotated with its latest 届 (number, start,
    planned, adjusted and due end, closure), its 书记 in office and whether a 届 closed this year; orgs without
    any 届 recorded have empty term columns (未录入届次). Orgs needing attention come first: no term, then the
    earliest due.
    """
    latest = Term.objects.filter(org=OuterRef("pk")).order_by("-number")
    secretary = PostHolding.objects.filter(org=OuterRef("pk"), post=Post.SECRETARY).filter(in_office_q(ctx.today))
    year_start = dt.date(ctx.today.year, 1, 1)
    qs = (
        Organization.objects.visible_to(user, "view")
        .filter(status=OrgStatus.ACTIVE, kind__in=list(rules.TERM_YEARS_BY_KIND))
        .select_related("parent")
        .annotate(
            term_id=Subquery(latest.values("pk")[:1]),
            term_number=Subquery(latest.values("number")[:1]),
            term_starts_on=Subquery(latest.values("starts_on")[:1]),
            term_planned_end=Subquery(latest.values("planned_end")[:1]),
            term_adjusted_end=Subquery(latest.values("adjusted_end")[:1]),
            term_closed_on=Subquery(latest.values("closed_on")[:1]),
            term_due_on=Subquery(latest.annotate(due=Coalesce("adjusted_end", "planned_end")).values("due")[:1]),
            secretary_name=Subquery(secretary.order_by("starts_on").values("member__name")[:1]),
            closed_this_year=Exists(
                Term.objects.filter(org=OuterRef("pk"), closed_on__gte=year_start, closed_on__lte=ctx.today)
            ),
        )
    )
    return qs.filter(_tab_q(tab, ctx)).order_by(F("term_due_on").asc(nulls_first=True), "path")


def board_counts(user: Any, ctx: BoardContext) -> dict[str, int]:
    """How many orgs each tab holds, in one aggregate query over the same rows."""
    qs = board_rows(user, ctx).order_by()
    return qs.aggregate(**{
        (code or "all"): Count("pk", filter=_tab_q(code, ctx)) if code else Count("pk")
        for code, _label in BOARD_TABS
    })


def row_state(row: Organization, ctx: BoardContext) -> str:
    """The label of a board row: 未录入届次, or the pure term_state of its latest 届."""
    if getattr(row, "term_id", None) is None:
        return MISSING_LABEL
    return term_state(row.term_due_on, row.term_closed_on, ctx.today, ctx.reminder_months).label  # type: ignore[attr-defined]


def describe_posts(posts: Sequence[PostHolding]) -> str:
    """"书记 张三、组织委员 李四": a one-line 班子 for lists."""
    return "、".join(f"{h.get_post_display()} {h.member.name}" for h in posts)


def appointment_warnings(holding: PostHolding, today: dt.date) -> list[str]:
    """What to tell the user after an appointment: a secretary's short 党龄 (a warning, the post is kept)."""
    if holding.post != Post.SECRETARY:
        return []
    minimum = int(_rule_values(today)[rules.SECRETARY_MIN_PARTY_YEARS])
    return secretary_warnings(holding.member, today, minimum)


STATE_BADGES: dict[str, str] = {
    TermState.DONE.label: "bg-green-lt",
    TermState.OVERDUE.label: "bg-red-lt",
    TermState.DUE_SOON.label: "bg-yellow-lt",
    TermState.NORMAL.label: "bg-secondary-lt",
    MISSING_LABEL: "bg-orange-lt",
}
