"""学习培训 pages: the session list (with export), a session, recording one (directly or from a meeting record),
the members' yearly 学时 (with export), the branch shortfall list (with export) and one member's record.

Views parse input, call dangjian.learning.actions and render; every 学时 figure is read from the registered
measures (`learning.hours.standing`, `learning.hours.completion`). Reading goes through
`actions.sessions_for` / `get_session_for_user` (the user's scope, plus a plain 党员's own sessions) and
`get_for_user` for orgs and members; recording needs the "change" scope on the org. Anything out of reach is a
404, the same as a missing record. Exports are audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import audit
from dangjian.core import measures as registry
from dangjian.core import rules as rule_registry
from dangjian.core.exports import xlsx_response
from dangjian.core.forms import run_posted
from dangjian.core.lists import id_page
from dangjian.core.pagination import PAGE_SIZE, paginate
from dangjian.core.scoping import get_for_user, scope_for, subtree_q
from dangjian.learning import actions, measures, rules
from dangjian.learning.choices import SessionKind
from dangjian.learning.filters import SessionFilter
from dangjian.learning.forms import FromMeetingForm, SessionForm, TraineeForm, YearOrgForm
from dangjian.lib.periods import Period
from dangjian.members.choices import MemberState
from dangjian.members.models import Member
from dangjian.orglife.actions import get_meeting_for_user
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.pickers import filter_picker
from dangjian.orgs.queries import default_root
from dangjian.recruitment.pickers import trainable

MAX_OFFERED_MEMBERS = 300
EXPORT_LIMIT = 100_000


def _orgs() -> Any:
    return Organization.objects.get_queryset()


def _year(value: Any) -> int:
    today = timezone.localdate()
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today.year
    return year if 2000 <= year <= 2100 else today.year


def _rule_notes(year: int) -> list[dict[str, Any]]:
    """The target rules in force for `year` with their status, shown on the totals pages (🟡: 条文待核实)."""
    values = rule_registry.values(rules.TARGET_KEYS, dt.date(year, 12, 31))
    labels: dict[str, str] = {k.value: k.label for k in SessionKind}
    shown = {k: "、".join(labels.get(str(v), str(v)) for v in val) if isinstance(val, list) else val
             for k, val in values.items()}
    return [
        {"label": r.label, "value": shown[r.key], "status": r.status, "source": r.source, "article": r.article,
         "local": r.is_local}
        for r in (rule_registry.REGISTRY[k] for k in rules.TARGET_KEYS)
    ]


# --- sessions ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    """学习培训记录: sessions the user may read, filtered (the API's SessionFilter), paginated; `?export=xlsx` for
    the same rows."""
    user: Any = request.user
    scope = scope_for(user)
    session_filter = SessionFilter.for_page(request, actions.sessions_for(user), filter_picker)
    queryset = (
        session_filter.rows().select_related("org").annotate(n_participants=Count("participations"))
        .order_by("-held_on", "-id")
    )
    if request.GET.get("export") == "xlsx":
        data = session_filter.form.cleaned_data if session_filter.form.is_valid() else {}
        audit.record("learning.export", actor=user, changes={"what": "sessions", **{k: v for k, v in data.items() if v}})
        rows = (
            (s.held_on, s.get_kind_display(), s.title, s.org.name, s.hours, getattr(s, "n_participants", 0),
             "组织生活记录" if s.meeting_id else "直接登记")
            for s in queryset[:EXPORT_LIMIT]
        )
        return xlsx_response("学习培训记录.xlsx", "学习培训",
                             ["日期", "学习形式", "学习主题", "组织单位", "学时", "参学人数", "来源"], rows)
    page = paginate(request, queryset)
    return render(request, "learning/list.html", {
        "form": session_filter.form, "page": page, "can_record": bool(scope.change_roots),
        "has_scope": bool(scope.view_roots), "export_query": request.GET.urlencode(),
    })


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One session and its participants (a plain 党员 sees only their own line)."""
    user: Any = request.user
    session = actions.get_session_for_user(user, pk)
    scope = scope_for(user)
    full = scope.covers(session.org.path, "view")
    rows = session.participations.select_related("member", "member__org").order_by("member__name_pinyin", "member_id")
    if not full:
        rows = rows.filter(member_id=scope.own_member_id or 0)
    may_train = session.meeting_id is None and scope.covers(session.org.path, "change")
    return render(request, "learning/detail.html", {
        "session": session, "rows": list(rows), "full": full, "total": session.participations.count() if full else None,
        "centralized": measures.is_centralized(session.kind, rules.load_targets(session.held_on.year)),
        "meeting_visible": session.meeting_id is not None and full,
        "trainees": list(session.trainees.select_related("applicant", "applicant__org").order_by("applicant__name_pinyin"))
        if scope.covers(session.org.path, "change") else [],
        "trainee_form": TraineeForm(session=session, user=user)
        if may_train and trainable(user, session.org_id).exists() else None,
    })


@login_required
@require_POST
def trainee_add(request: HttpRequest, pk: int) -> HttpResponse:
    """登记发展对象培训学时 for one applicant on a session entered directly."""
    user: Any = request.user
    session = actions.get_session_for_user(user, pk, "change")
    form = TraineeForm(request.POST, session=session, user=user)
    if not form.is_valid():
        for error in form.errors.get("applicant", []):
            text = str(error)
            messages.error(request, text if "：" in text else f"发展对象或积极分子：{text}")
        return redirect("learning:detail", pk=session.pk)
    try:
        actions.add_trainee(session, actor=user, applicant=form.cleaned_data["applicant"],
                            hours=request.POST.get("hours", ""))
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, "已登记发展对象培训学时")
    return redirect("learning:detail", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    """登记学习培训 for `?org=<pk>`: the session and each participant's completed 学时 (the members of the org's
    subtree are offered, a box each); the org's meeting records that can become study records are listed too."""
    user: Any = request.user
    if not scope_for(user).change_roots:
        raise Http404("未找到该页面")
    org_pk = request.GET.get("org")
    if not org_pk:
        orgs = (
            Organization.objects.visible_to(user, "change").active().exclude(kind=OrgKind.GROUP).order_by("path")[:200]
        )
        return render(request, "learning/pick_org.html", {"orgs": orgs})
    org = get_for_user(_orgs(), user, "change", pk=org_pk)
    offered = list(
        Member.objects.visible_to(user, "change").filter(subtree_q(org.path, "org__path"), state=MemberState.ACTIVE)
        .select_related("org").order_by("org__path", "name_pinyin", "pk")[: MAX_OFFERED_MEMBERS + 1]
    )
    truncated = len(offered) > MAX_OFFERED_MEMBERS
    form = SessionForm(request.POST or None, members=offered[:MAX_OFFERED_MEMBERS])
    session = run_posted(request, form, lambda: actions.create_session(
        actor=user, org=org, data=form.action_data(), participants=form.participants()))
    if session is not None:
        messages.success(request, "学习培训已登记")
        return redirect("learning:detail", pk=session.pk)
    return render(request, "learning/form.html", {
        "form": form, "org": org, "rows": form.participant_rows(), "truncated": truncated,
        "meetings": list(actions.meetings_available(user, org)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def from_meeting(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """由组织生活记录生成学习记录: the present members get the 学时, those on leave or absent none."""
    user: Any = request.user
    meeting = get_meeting_for_user(user, meeting_pk, "change")
    existing = actions.sessions_for(user).filter(meeting=meeting).first()
    present = meeting.attendance.filter(status="present").count()
    absent = meeting.attendance.exclude(status="present").count()
    form = FromMeetingForm(request.POST or None, initial={"title": meeting.lecture_topic or meeting.title})
    session = run_posted(
        request, form, lambda: actions.create_from_meeting(actor=user, meeting=meeting, data=dict(form.cleaned_data)))
    if session is not None:
        messages.success(request, f"学习记录已生成：{session.participations.count()}名出席党员各计{session.hours}学时")
        return redirect("learning:detail", pk=session.pk)
    return render(request, "learning/from_meeting.html", {
        "form": form, "meeting": meeting, "existing": existing, "present": present, "absent": absent,
    })


# --- totals -----------------------------------------------------------------------------------------------------


def _root_and_year(request: HttpRequest) -> tuple[YearOrgForm, Organization, int, bool]:
    """The subtree (default: the user's first view root) and year asked for; 404 without a view scope."""
    user: Any = request.user
    scope = scope_for(user)
    if not scope.view_roots:
        raise Http404("未找到该页面")
    form = YearOrgForm(request.GET or None, user=user)
    org_pk: Any = None
    short = False
    year = timezone.localdate().year
    if form.is_bound and form.is_valid():
        org_pk = getattr(form.cleaned_data.get("org"), "pk", None)
        year = form.cleaned_data.get("year") or year
        short = bool(form.cleaned_data.get("short"))
    elif form.is_bound:
        org_pk = request.GET.get("org")
        year = _year(request.GET.get("year"))
    if org_pk:
        org = get_for_user(_orgs(), user, "view", pk=org_pk)
    else:
        org = default_root(user)
        if org is None:
            raise Http404("未找到该页面")
    if not scope.covers(org.path, "view"):
        raise Http404("未找到该页面")
    if not form.is_bound:
        form.initial["org"] = org.pk
    return form, org, year, short


def branch_figures(request: HttpRequest, org: Organization, year: int) -> list[measures.BranchRow]:
    """The registered measure `learning.hours.completion` over the branches of `org`'s subtree the user may view,
    in tree order; none, with the measure's message, for a year that has not begun."""
    orgs = Organization.objects.visible_to(request.user).filter(subtree_q(org.path))
    try:
        found = registry.get("learning.hours.completion")(orgs, Period.year(year))
    except registry.PeriodNotSupported as error:
        messages.info(request, str(error))
        return []
    return sorted(found.values(), key=lambda row: row.path)


@login_required
@require_GET
@rule_registry.snapshot()
def member_totals(request: HttpRequest) -> HttpResponse:
    """党员学时统计: every active member of a subtree with the year's 学时, target and shortfall (one query per
    page); `?short=on` keeps those still short, `?export=xlsx` downloads the whole list."""
    user: Any = request.user
    form, org, year, short = _root_and_year(request)
    today = timezone.localdate()
    targets = rules.load_targets(year)
    queryset = measures.member_totals(measures.members_in(org), year, targets, today).select_related("org")
    if short:
        queryset = queryset.filter(measures.short_q(targets))
    queryset = queryset.order_by(*_TOTALS_ORDER)
    if request.GET.get("export") == "xlsx":
        audit.record("learning.export", actor=user, obj=org, org=org, changes={"what": "totals", "year": year, "short": short})
        exported = queryset[:EXPORT_LIMIT]
        figures = measures.standings_of(exported, year)
        return xlsx_response(f"{org.name}{year}年党员学时统计.xlsx", "党员学时", _TOTAL_HEADER,
                             (_total_row(m, figures[m.pk]) for m in exported))
    if short:
        # Only those short: the per-branch counts give the pager and say which branches hold the page.
        page, members = _short_page(request, branch_figures(request, org, year), year, targets, today, _TOTALS_ORDER)
    else:
        # Sorted by place and name, so the correlated figures are computed for the page's rows only.
        page = paginate(request, queryset)
        members = list(page)
    figures = measures.standings_of(members, year)
    rows = [(m, figures[m.pk]) for m in members]
    return render(request, "learning/totals.html", {
        "form": form, "org": org, "year": year, "page": page, "rows": rows, "short": short, "targets": targets,
        "rules": _rule_notes(year), "export_query": request.GET.urlencode(),
    })


_TOTALS_ORDER = ["org__path", "name_pinyin", "pk"]
_SHORTFALL_ORDER = ["org__path", "-short_by", "name_pinyin", "pk"]


def _short_page(
    request: HttpRequest, branches: list[measures.BranchRow], year: int, targets: rules.Targets, today: Any,
    order: list[str],
) -> tuple[Page, list[Member]]:
    """A page of the short members: numbered from the branches' counts, read from the branches that hold it."""
    paginator = Paginator(range(sum(b.short for b in branches)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    start = (page.number - 1) * PAGE_SIZE
    return page, measures.short_members_window(branches, start, start + PAGE_SIZE, year, targets, today, order=order)


_TOTAL_HEADER = ["党员", "所在党支部", "书记或班子成员", "年度学时", "目标学时", "差额学时", "集中培训次数", "是否达标"]


def _total_row(m: Member, s: rules.Standing) -> list[Any]:
    return [m.name, m.org.name, "是" if s.is_leader else "", s.hours, s.target, s.short_by, s.centralized,
            "达标" if s.met else ("未达标（缺集中培训）" if s.short_by == 0 else "未达标")]


@login_required
@require_GET
@rule_registry.snapshot()
def branch_shortfall(request: HttpRequest) -> HttpResponse:
    """学时未达标名单: a page of the subtree's branches (ids first) with members counted, met and short (the measure
    for those branches only), and the members of those branches still short with how much they miss;
    `?export=xlsx` downloads both sheets' rows for the whole subtree."""
    user: Any = request.user
    form, org, year, _short = _root_and_year(request)
    today = timezone.localdate()
    targets = rules.load_targets(year)
    short_members = (
        measures.member_totals(measures.members_in(org), year, targets, today).filter(measures.short_q(targets))
        .select_related("org").order_by(*_SHORTFALL_ORDER)
    )
    if request.GET.get("export") == "xlsx":
        from dangjian.core.exports import xlsx_workbook_response

        audit.record("learning.export", actor=user, obj=org, org=org, changes={"what": "shortfall", "year": year})
        branches = branch_figures(request, org, year)
        exported = short_members[:EXPORT_LIMIT]
        figures = measures.standings_of(exported, year)
        return xlsx_workbook_response(f"{org.name}{year}年学时未达标名单.xlsx", [
            ("按党支部", ["党支部", "党员数", "达标", "未达标", "人均学时"],
             [(b.name, b.members, b.met, b.short, b.average) for b in branches]),
            ("未达标党员", _TOTAL_HEADER, (_total_row(m, figures[m.pk]) for m in exported)),
        ])
    page = _branch_page(request, org, year)
    shown: list[measures.BranchRow] = list(page.object_list)
    members = measures.short_members_window(shown, 0, SHORT_MEMBERS_SHOWN, year, targets, today,
                                            order=_SHORTFALL_ORDER)
    figures = measures.standings_of(members, year)
    return render(request, "learning/shortfall.html", {
        "form": form, "org": org, "year": year, "page": page, "rows": [(m, figures[m.pk]) for m in members],
        "counted": sum(b.members for b in shown), "short_total": sum(b.short for b in shown),
        "members_cut": len(members) == SHORT_MEMBERS_SHOWN, "shown_limit": SHORT_MEMBERS_SHOWN,
        "rules": _rule_notes(year), "export_query": request.GET.urlencode(),
    })


# Short members listed under a page of branches; a branch's own page (?org=) lists all of its own.
SHORT_MEMBERS_SHOWN = 100


def _branch_page(request: HttpRequest, org: Organization, year: int) -> Page:
    """A page of the subtree's 党支部 holding members, ids first in tree order (core.lists), with the registered
    measure `learning.hours.completion` read for the page's branches only (a branch without active members shows
    zeros; a year not begun shows zeros and the measure's message)."""
    visible = Organization.objects.visible_to(request.user)
    branches = visible.filter(subtree_q(org.path), kind=OrgKind.BRANCH, subtree_members__gt=0).order_by("path")

    def load(ids: list[int]) -> dict[int, measures.BranchRow]:
        page_orgs = visible.filter(pk__in=ids)
        rows = {pk: measures.BranchRow(org_id=pk, name=name, path=path)
                for pk, name, path in page_orgs.values_list("pk", "name", "path")}
        try:
            rows.update(registry.get("learning.hours.completion")(page_orgs, Period.year(year)))
        except registry.PeriodNotSupported as error:
            messages.info(request, str(error))
        return rows

    return id_page(request, branches, load)


# --- one member -------------------------------------------------------------------------------------------------


def member_record(member: Member, year: int, user: Any) -> dict[str, Any]:
    """A member's sessions of `year` and their standing (read by the member page and the member section)."""
    targets = rules.load_targets(year)
    standing = measures.standings_of([member], year)[member.pk]
    start, end = rules.year_bounds(year)
    rows = list(
        member.study_participations.filter(held_on__gte=start, held_on__lte=end)
        .select_related("session", "session__org").order_by("-held_on", "-session_id")
    )
    return {"member": member, "year": year, "standing": standing, "rows": rows, "targets": targets,
            "centralized_kinds": targets.centralized_kinds}


def member_section(member: Member, user: Any) -> dict[str, Any]:
    """The 学习培训 block of the member page (templates/learning/member_section.html): this year's 学时 against
    the target and the latest sessions. The caller has already checked that `user` may read `member`."""
    context = member_record(member, timezone.localdate().year, user)
    context["rows"] = context["rows"][:10]
    return {"learning": context}


@login_required
@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """个人学时档案: one member's sessions of a year with the 学时 each gave; `?export=xlsx` downloads them."""
    user: Any = request.user
    member = get_for_user(Member.objects.select_related("org"), user, "view", pk=pk)
    year = _year(request.GET.get("year"))
    record = member_record(member, year, user)
    if request.GET.get("export") == "xlsx":
        audit.record("learning.export", actor=user, obj=member, org=member.org, changes={"what": "member", "year": year})
        return xlsx_response(f"{member.name}{year}年学习培训记录.xlsx", "学习培训", ["日期", "学习形式", "学习主题", "组织单位", "学时"], (
            (p.held_on, p.session.get_kind_display(), p.session.title, p.session.org.name, p.hours) for p in record["rows"]
        ))
    this_year = timezone.localdate().year
    context = {"learning": record, "member": member, "year": year, "years": list(range(this_year, this_year - 5, -1))}
    return render(request, "learning/member.html", context)


urlpatterns = [
    path("", session_list, name="list"),
    path("new/", session_create, name="create"),
    path("from-meeting/<int:meeting_pk>/", from_meeting, name="from_meeting"),
    path("<int:pk>/", session_detail, name="detail"),
    path("<int:pk>/trainees/", trainee_add, name="trainee_add"),
    path("totals/", member_totals, name="totals"),
    path("shortfall/", branch_shortfall, name="shortfall"),
    path("member/<int:pk>/", member_detail, name="member"),
]
