"""班子 and 换届 reads: scoped lookups for terms and holdings (which have no scoped manager of their own), the
choices the forms offer, one org's 班子 page, and the 换届 board over a visible subtree (one SQL statement for
the rows, one for the tab counts, whatever the number of orgs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from dangjian.core import audit
from dangjian.core.scoping import subtree_q
from dangjian.leadership import rules
from dangjian.leadership.models import (
    COMMITTEE_POSTS,
    ElectionResult,
    ElectionStep,
    Post,
    PostHolding,
    Term,
    meeting_model,
)
from dangjian.members.choices import MemberState
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

if TYPE_CHECKING:
    from dangjian.orglife.models import Meeting


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
    """The 届 `pk` if the user may reach its org for `action`, else 404 (its org joined)."""
    return _get_scoped(  # type: ignore[no-any-return]
        terms_visible_to(user, action).select_related("org"), Term.objects.all(), user, action, pk
    )


def get_holding_for_user(user: Any, pk: Any, action: str = "view") -> PostHolding:
    """The post holding `pk` if the user may reach its org for `action`, else 404 (org and member joined)."""
    return _get_scoped(  # type: ignore[no-any-return]
        holdings_visible_to(user, action).select_related("org", "member"), PostHolding.objects.all(), user,
        action, pk,
    )


def post_member_root(org: Organization) -> int:
    """The org whose subtree holds the members the appoint form accepts (a group's posts go to its branch)."""
    return org.parent_id if org.kind == OrgKind.GROUP and org.parent_id else org.pk


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


def resolve_candidates(
    user: Any, org: Organization, lines: list[Any]
) -> tuple[list[tuple[Any, Member]], list[str]]:
    """The members named on the result form's candidate lines (CandidateLine), among those the org's posts may
    go to, in one query: a name matches one member, or with the branch in brackets when the name is shared. A
    message per line that names no one or several."""
    names = {line.name for line in lines}
    found: dict[str, list[Member]] = {}
    for m in members_for_post(user, org).filter(name__in=names):
        found.setdefault(m.name, []).append(m)
    resolved: list[tuple[Any, Member]] = []
    problems: list[str] = []
    for line in lines:
        same = [m for m in found.get(line.name, []) if not line.branch or m.org.name == line.branch]
        if not same:
            problems.append(f"第{line.line}行：{line.name}不是本组织在册党员" + (f"（{line.branch}）" if line.branch else ""))
        elif len(same) > 1:
            problems.append(f"第{line.line}行：本组织有{len(same)}名{line.name}，请在姓名后用括号注明所在支部")
        else:
            resolved.append((line, same[0]))
    return resolved, problems


def meetings_for_step(user: Any, term: Term) -> QuerySet[Meeting]:
    """The org's meetings the user may change, newest first: the candidates for the election meeting."""
    return meetings_for_org(user, term.org)


def meetings_for_org(user: Any, org: Organization, since: dt.date | None = None) -> QuerySet[Meeting]:
    """The org's meetings the user may change, newest first, from `since` on when given."""
    qs = meeting_model().objects.visible_to(user, "change").filter(org_id=org.pk)
    if since is not None:
        qs = qs.filter(held_on__gte=since)
    return qs.order_by("-held_on", "-pk")


def posts_for(org: Organization) -> list[tuple[str, str]]:
    """The posts an org of this kind has: 党小组组长 on a 党小组, the committee posts elsewhere."""
    if org.kind == OrgKind.GROUP:
        return [(Post.GROUP_LEADER, Post.GROUP_LEADER.label)]
    return [(p, Post(p).label) for p in COMMITTEE_POSTS]


@dataclass
class TermView:
    """One 届 on the org page: its state today and its steps in order."""

    term: Term
    state: rules.TermState
    reminder_on: dt.date
    steps: list[ElectionStep]
    election: ElectionResult | None = None


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
    values = rules.values_in_force(today)
    holdings = list(PostHolding.objects.filter(org=org).select_related("member", "term").order_by("post", "-starts_on"))
    order = {p: i for i, p in enumerate(Post.values)}
    in_office = sorted(
        (h for h in holdings if h.starts_on <= today and (h.ends_on is None or h.ends_on > today)),
        key=lambda h: (order[h.post], h.starts_on),
    )
    past = sorted((h for h in holdings if h not in in_office), key=lambda h: h.starts_on, reverse=True)
    months = int(values[rules.TERM_REMINDER_MONTHS])
    terms = [
        TermView(term=t, state=rules.term_state(t.due_on, t.closed_on, today, months),
                 reminder_on=rules.reminder_date(t.due_on, months), steps=list(t.steps.all()),
                 election=getattr(t, "election", None))
        for t in Term.objects.filter(org=org).select_related("election")
        .prefetch_related("steps__meeting", "election__candidates__member").order_by("-number")
    ]
    current = next((tv for tv in terms if tv.term.closed_on is None), None)
    found = rules.vacancies(org.kind, [h.post for h in in_office], int(values[rules.MAX_DEPUTY_SECRETARIES]))
    warnings: list[str] = []
    for h in in_office:
        if h.post == Post.SECRETARY:
            warnings += [f"{h.member.name}：{w}" for w in rules.secretary_warnings(
                h.member, today, int(values[rules.SECRETARY_MIN_PARTY_YEARS]))]
    if org.kind != OrgKind.GROUP and not terms:
        warnings.append(rules.MISSING_LABEL)
    return Leadership(
        in_office=in_office, past=past, terms=terms, current=current, vacancies=found, warnings=warnings,
        next_number=(terms[0].term.number + 1) if terms else 1, values=values,
    )


# The board's tabs: code → label; "" is every org.
BOARD_TABS: list[tuple[str, str]] = [
    ("", "全部"),
    (rules.TermState.DUE_SOON.value, "半年内到期"),
    (rules.TermState.OVERDUE.value, "已逾期"),
    ("adjusted", "已批准延期或提前"),
    ("done", "本年已换届"),
    ("missing", rules.MISSING_LABEL),
]


@dataclass
class BoardContext:
    """The day and rule values a board query was built for, so rows and counts agree."""

    today: dt.date
    reminder_months: int
    limit: dt.date


def board_context(today: dt.date) -> BoardContext:
    """The board's day with the reminder rule in force that day and the due-soon limit derived from it."""
    months = int(rules.values_in_force(today)[rules.TERM_REMINDER_MONTHS])
    return BoardContext(today=today, reminder_months=months, limit=rules.due_soon_limit(today, months))


def _tab_q(tab: str, ctx: BoardContext) -> Q:
    """The SQL condition of one board tab, on the annotations of `board_rows`."""
    open_term = Q(term_id__isnull=False, term_closed_on__isnull=True)
    if tab == rules.TermState.DUE_SOON:
        return open_term & Q(term_due_on__gte=ctx.today, term_due_on__lte=ctx.limit)
    if tab == rules.TermState.OVERDUE:
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
    secretary = PostHolding.objects.filter(org=OuterRef("pk"), post=Post.SECRETARY).filter(rules.in_office_q(ctx.today))
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
        return rules.MISSING_LABEL
    return rules.term_state(row.term_due_on, row.term_closed_on, ctx.today, ctx.reminder_months).label  # type: ignore[attr-defined]


def appointment_warnings(holding: PostHolding, today: dt.date) -> list[str]:
    """What to tell the user after an appointment: a secretary's short 党龄 (a warning, the post is kept)."""
    if holding.post != Post.SECRETARY:
        return []
    minimum = int(rules.values_in_force(today)[rules.SECRETARY_MIN_PARTY_YEARS])
    return rules.secretary_warnings(holding.member, today, minimum)


STATE_BADGES: dict[str, str] = {
    rules.TermState.DONE.label: "bg-green-lt",
    rules.TermState.OVERDUE.label: "bg-red-lt",
    rules.TermState.DUE_SOON.label: "bg-yellow-lt",
    rules.TermState.NORMAL.label: "bg-secondary-lt",
    rules.MISSING_LABEL: "bg-orange-lt",
}
