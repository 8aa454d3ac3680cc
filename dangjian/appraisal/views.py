"""民主评议党员 pages: the rounds list (filters, Excel), drafting a round, the rating sheet a secretary fills at the
meeting, confirmation with the 1/3 优秀 warning, corrections with history, the 不合格 follow-ups, the 党内统计
summary with its Excel, and `member_section` for the member page.

Views only parse input, call one action from dangjian.appraisal.actions and render. Reading needs the "view"
scope on the round's branch (a plain 党员 sees only their own confirmed results, on their member page); writing
the "change" scope. Anything out of reach is a 404, the same as a missing record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.appraisal import actions, rules, stats
from dangjian.appraisal.choices import FollowUpKind, Rating, RoundStatus
from dangjian.appraisal.filters import FollowUpFilter, RoundFilter
from dangjian.appraisal.forms import (
    CloseFollowUpForm,
    CorrectResultForm,
    CorrectRoundForm,
    FollowUpForm,
    RoundForm,
    SheetForm,
    SummaryForm,
)
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.core import audit
from dangjian.core import rules as rule_registry
from dangjian.core.dbrouter import reads_from_replica
from dangjian.core.exports import xlsx_response, xlsx_workbook_response
from dangjian.core.forms import run_posted
from dangjian.core.history import edit_history
from dangjian.core.pagination import paginate
from dangjian.core.scoping import get_for_user, scope_for
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.pickers import filter_picker


def _orgs() -> Any:
    return Organization.objects.get_queryset()


def _default_year(today: dt.date) -> int:
    """The year the statistics open on: this year from the month its round is reminded of (rounds are held in
    Q4), else last year."""
    return today.year if rules.round_due(today, int(rule_registry.value(rules.ROUND_REMINDER_MONTH, today))) else today.year - 1


# --- rounds list ---------------------------------------------------------------------------------------------


ROUND_HEADER = ["党支部", "评议年度", "评议日期", "参加评议党员", "参加民主测评", "优秀", "合格", "基本合格", "不合格", "状态"]


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    """民主评议党员: the rounds the user may read, filtered by org subtree, year and status, with counts per grade
    computed in SQL; `?export=xlsx` downloads the same rows (audited)."""
    user: Any = request.user
    scope = scope_for(user)
    if not scope.view_roots:
        raise Http404("未找到该页面")
    round_filter = RoundFilter.for_page(request, actions.rounds_for(user), filter_picker)
    queryset = round_filter.rows()
    counts = {f"n_{v}": Count("results", filter=Q(results__rating=v)) for v in Rating.values}
    queryset = queryset.select_related("org").annotate(n_appraised=Count("results"), **counts).order_by("-year", "org__path")
    if request.GET.get("export") == "xlsx":
        audit.record("appraisal.export", actor=user, changes={"what": "rounds", **{k: str(v) for k, v in request.GET.items()}})
        export = ([r.org.name, r.year, r.held_on, r.n_appraised, r.participants,
                 *(getattr(r, f"n_{v}") for v in Rating.values), r.get_status_display()]
                for r in queryset.iterator(chunk_size=2000))
        return xlsx_response("民主评议党员.xlsx", "民主评议党员", ROUND_HEADER, export)
    page = paginate(request, queryset)
    share = rule_registry.value(rules.EXCELLENT_MAX_SHARE)
    rows = [(r, rules.check_excellent(getattr(r, f"n_{Rating.EXCELLENT}"), r.n_appraised, share)) for r in page]
    export_query = request.GET.copy()
    export_query["export"] = "xlsx"
    export_query.pop("page", None)
    return render(request, "appraisal/list.html", {
        "form": round_filter.form, "page": page, "rows": rows, "can_record": bool(scope.change_roots),
        "export_query": export_query.urlencode(),
    })


# --- drafting and the sheet ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """登记民主评议 for `?org=<branch pk>` the user may change; without it, the branches to pick from."""
    user: Any = request.user
    if not scope_for(user).change_roots:
        raise Http404("未找到该页面")
    org_pk = request.GET.get("org")
    if not org_pk:
        year = timezone.localdate().year
        branches = (
            Organization.objects.visible_to(user, "change").active().filter(kind=OrgKind.BRANCH)
            .annotate(has_round=actions.has_round(year))
            .order_by("path")[:300]
        )
        return render(request, "appraisal/pick_org.html", {"orgs": branches, "year": year})
    org = get_for_user(_orgs(), user, "change", pk=org_pk)
    meetings = list(actions.review_meetings(org)[:20])
    form = RoundForm(request.POST or None, meetings=meetings)
    appraisal = run_posted(request, form, lambda: actions.create_round(actor=user, org=org, data=form.action_data()))
    if appraisal is not None:
        messages.success(request, f"已登记，评议名单共{appraisal.results.count()}人，请填写评议情况")
        return redirect("appraisal:sheet", pk=appraisal.pk)
    return render(request, "appraisal/form.html", {
        "form": form, "org": org, "appraisal": None, "title": f"登记民主评议党员：{org.name}", "submit": "保存并填写评议表",
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    appraisal = actions.get_round_for_user(user, pk, "change")
    if not appraisal.is_draft:
        return redirect("appraisal:correct", pk=appraisal.pk)
    meetings = list(actions.review_meetings(appraisal.org)[:20])
    form = RoundForm(request.POST or None, meetings=meetings, initial={
        "meeting": appraisal.meeting_id, "held_on": appraisal.held_on, "year": appraisal.year,
        "participants": appraisal.participants, "note": appraisal.note})
    saved = run_posted(
        request, form, lambda: actions.update_round(appraisal, actor=user, data={"meeting": None, **form.action_data()}))
    if saved is not None:
        messages.success(request, "已保存")
        return redirect("appraisal:detail", pk=appraisal.pk)
    return render(request, "appraisal/form.html", {
        "form": form, "org": appraisal.org, "appraisal": appraisal, "title": f"修改：{appraisal}", "submit": "保存",
    })


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    appraisal = actions.get_round_for_user(user, pk, "change")
    if appraisal.is_draft:
        return redirect("appraisal:edit", pk=appraisal.pk)
    meetings = list(actions.review_meetings(appraisal.org)[:20])
    form = CorrectRoundForm(request.POST or None, meetings=meetings, initial={
        "meeting": appraisal.meeting_id, "participants": appraisal.participants, "note": appraisal.note})
    corrected = run_posted(request, form, lambda: actions.correct_round(
        appraisal, actor=user, data=form.action_data(), reason=form.cleaned_data["reason"]))
    if corrected is not None:
        messages.success(request, "更正已保存，原因已记入修改记录")
        return redirect("appraisal:detail", pk=appraisal.pk)
    return render(request, "appraisal/form.html", {
        "form": form, "org": appraisal.org, "appraisal": appraisal, "title": f"更正：{appraisal}", "submit": "保存更正",
        "hint": "已确认的民主评议只能更正，须填写原因；评议日期和年度决定评议名单，不能更正。",
    })


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The rating sheet of a draft: for each member on the roll of the day, 自评, 互评, the 民主测评 votes, the
    评定等次 and 评定意见 on one page. Saving shows the 1/3 优秀 warning when it applies; it never refuses."""
    user: Any = request.user
    appraisal = actions.get_round_for_user(user, pk, "change")
    if not appraisal.is_draft:
        messages.error(request, "已确认的民主评议不能直接修改，请逐人“更正”")
        return redirect("appraisal:detail", pk=appraisal.pk)
    results = list(appraisal.results.select_related("member").order_by("member__name_pinyin", "member_id"))
    form = SheetForm(request.POST or None, results=results)
    check = run_posted(request, form, lambda: actions.set_results(appraisal, actor=user, entries=form.entries()))
    if check is not None:
        messages.success(request, "评议情况已保存")
        if check.over:
            messages.warning(request, check.message)
        if request.POST.get("then") == "confirm":
            return _confirm(request, appraisal)
        return redirect("appraisal:detail", pk=appraisal.pk)
    return render(request, "appraisal/sheet.html", {
        "appraisal": appraisal, "form": form, "check": actions.excellent_check(appraisal),
        "rule": rule_registry.REGISTRY[rules.EXCELLENT_MAX_SHARE],
    })


def _confirm(request: HttpRequest, appraisal: AppraisalRound) -> HttpResponse:
    try:
        check = actions.confirm_round(appraisal, actor=request.user)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, "评议结果已确认")
        if check.over:
            messages.warning(request, check.message)
    return redirect("appraisal:detail", pk=appraisal.pk)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm(request, actions.get_round_for_user(request.user, pk, "change"))


# --- the round -----------------------------------------------------------------------------------------------


RESULT_HEADER = ["姓名", "个人自评", "党员互评意见", "测评优秀票", "测评合格票", "测评基本合格票", "测评不合格票", "评定等次",
                 "评定意见", "组织处置"]


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One round: its figures, the 1/3 warning, every member's result with their follow-ups, and its history;
    `?export=xlsx` downloads its result table (audited)."""
    user: Any = request.user
    appraisal = actions.get_round_for_user(user, pk)
    results = list(
        appraisal.results.select_related("member").prefetch_related(
            Prefetch("followups", queryset=FollowUp.objects.order_by("decided_on", "id")))
        .order_by("member__name_pinyin", "member_id")
    )
    if request.GET.get("export") == "xlsx":
        audit.record("appraisal.export", actor=user, obj=appraisal, org=appraisal.org, changes={"what": "round"})
        rows = ([r.member.name, r.get_self_rating_display(), r.peer_opinion, r.votes_excellent, r.votes_qualified,
                 r.votes_basic, r.votes_unqualified, r.get_rating_display(), r.reason,
                 "；".join(f"{f.get_kind_display()}（{f.get_outcome_display() or '进行中'}）" for f in r.followups.all())]
                for r in results)
        return xlsx_response(f"{appraisal}.xlsx", "评议结果", RESULT_HEADER, rows)
    counts = {value: sum(1 for r in results if r.rating == value) for value in Rating.values}
    may_change = actions.can_change(user, appraisal)
    return render(request, "appraisal/detail.html", {
        "appraisal": appraisal, "results": results, "check": actions.excellent_check(appraisal),
        "counts": [(Rating(v).label, counts[v]) for v in Rating.values], "unrated": len(results) - sum(counts.values()),
        "rule": rule_registry.REGISTRY[rules.EXCELLENT_MAX_SHARE],
        "history": edit_history(appraisal),
        "can_edit": may_change and appraisal.is_draft, "can_correct": may_change and not appraisal.is_draft,
    })


@login_required
@require_http_methods(["GET", "POST"])
def correct_result(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    result = actions.get_result_for_user(user, pk, "change")
    form = CorrectResultForm(request.POST or None, initial=CorrectResultForm.initial_for(result))
    corrected = run_posted(request, form, lambda: actions.correct_result(
        result, actor=user, data=form.action_data(), reason=form.cleaned_data["reason"]))
    if corrected is not None:
        messages.success(request, "更正已保存，原因已记入修改记录")
        check = actions.excellent_check(result.round)
        if check.over:
            messages.warning(request, check.message)
        return redirect("appraisal:detail", pk=result.round_id)
    return render(request, "appraisal/correct_result.html", {
        "form": form, "result": result, "appraisal": result.round, "history": edit_history(result),
    })


# --- 组织处置 ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def followup_create(request: HttpRequest, pk: int) -> HttpResponse:
    """登记组织处置 for a member rated 不合格, with the decision's scan."""
    user: Any = request.user
    result = actions.get_result_for_user(user, pk, "change")
    today = timezone.localdate()
    months = int(rule_registry.value(rules.CORRECTION_MONTHS, today))
    form = FollowUpForm(request.POST or None, request.FILES or None, initial={
        "kind": FollowUpKind.CORRECTION, "decided_on": today, "deadline": rules.default_deadline(today, months)})
    followup = run_posted(request, form, lambda: actions.record_followup(
        result, actor=user, data=form.action_data(), upload=form.cleaned_data.get("scan")))
    if followup is not None:
        messages.success(request, f"已登记{followup.get_kind_display()}")
        warning = actions.followup_warning(followup)
        if warning:
            messages.warning(request, warning)
        return redirect("appraisal:followup", pk=followup.pk)
    return render(request, "appraisal/followup_form.html", {
        "form": form, "result": result, "appraisal": result.round, "months": months,
        "earlier": list(result.followups.order_by("decided_on", "id")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One 组织处置 with its documents; an open one takes its result here (POST, change scope)."""
    user: Any = request.user
    followup = actions.get_followup_for_user(user, pk, "change" if request.method == "POST" else "view")
    may_change = scope_for(user).covers(followup.result.round.org.path, "change")
    form = CloseFollowUpForm(request.POST or None, kind=followup.kind, initial={"closed_on": timezone.localdate()}) \
        if followup.is_open and may_change and followup.kind != FollowUpKind.REMOVE else None
    closed = form is not None and run_posted(
        request, form, lambda: actions.close_followup(followup, actor=user, **form.cleaned_data)) is not None
    if closed:
        messages.success(request, "处置结果已登记")
        return redirect("appraisal:followup", pk=followup.pk)
    state = ""
    if followup.is_open and followup.deadline is not None:
        due_days = int(rule_registry.value(rules.CORRECTION_DUE_DAYS))
        state = rules.correction_state(followup.deadline, timezone.localdate(), due_days)
    return render(request, "appraisal/followup.html", {
        "followup": followup, "result": followup.result, "appraisal": followup.result.round, "form": form,
        "warning": actions.followup_warning(followup), "state": state,
        "history": edit_history(followup),
        "can_add": may_change and not followup.is_open and followup.result.member.on_roll,
    })


@login_required
@require_GET
def followup_scan(request: HttpRequest, pk: int) -> FileResponse:
    followup = actions.get_followup_for_user(request.user, pk)
    if not followup.scan:
        raise Http404("未找到该附件")
    response = FileResponse(followup.scan.open("rb"), as_attachment=True, filename=followup.scan_name,
                            content_type=followup.scan_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


FOLLOWUP_HEADER = ["党支部", "评议年度", "党员", "处置方式", "决定日期", "文号", "改正期限", "结果", "办结日期"]


@login_required
@require_GET
def followup_list(request: HttpRequest) -> HttpResponse:
    """不合格党员的组织处置: the members still without one, and the follow-ups by state (进行中, 即将到期,
    逾期未登记结果, 已办结) — the reminders link here; `?export=xlsx` downloads the follow-ups (audited)."""
    user: Any = request.user
    if not scope_for(user).view_roots:
        raise Http404("未找到该页面")
    followup_filter = FollowUpFilter.for_page(request, FollowUp.objects.visible_to(user), filter_picker)
    followups = followup_filter.rows()
    pending = followup_filter.pending(actions.awaiting_followup(AppraisalResult.objects.visible_to(user)))
    today = followup_filter.today
    due_days = int(rule_registry.value(rules.CORRECTION_DUE_DAYS, today))
    followups = followups.select_related("result__member", "result__round__org").order_by("-decided_on", "-id")
    if request.GET.get("export") == "xlsx":
        audit.record("appraisal.export", actor=user, changes={"what": "followups", **{k: str(v) for k, v in request.GET.items()}})
        export = ([f.result.round.org.name, f.result.round.year, f.result.member.name, f.get_kind_display(), f.decided_on,
                 f.doc_no, f.deadline, f.get_outcome_display() or "进行中", f.closed_on]
                for f in followups.iterator(chunk_size=2000))
        return xlsx_response("不合格党员组织处置.xlsx", "组织处置", FOLLOWUP_HEADER, export)
    page = paginate(request, followups)
    rows = [(f, rules.correction_state(f.deadline, today, due_days) if f.is_open and f.deadline else "") for f in page]
    export_query = request.GET.copy()
    export_query["export"] = "xlsx"
    export_query.pop("page", None)
    return render(request, "appraisal/followups.html", {
        "form": followup_filter.form, "page": page, "rows": rows, "export_query": export_query.urlencode(),
        "pending": list(pending.select_related("member", "round__org").order_by("round__org__path")[:50]),
    })


# --- statistics --------------------------------------------------------------------------------------------------


@login_required
@require_GET
@reads_from_replica
def summary_view(request: HttpRequest) -> HttpResponse:
    """党内统计 of 民主评议党员 for an org subtree and a year; `?export=xlsx` downloads it (audited)."""
    user: Any = request.user
    scope = scope_for(user)
    if not scope.view_roots:
        raise Http404("未找到该页面")
    form = SummaryForm(request.GET or None, user=user)
    year = _default_year(timezone.localdate())
    org = Organization.objects.visible_to(user).filter(path=scope.view_roots[0]).first()
    if form.is_bound and not form.is_valid() and "org" in form.errors:
        raise Http404("未找到该记录")  # an org outside the user's scope is not offered, and not found
    if form.is_bound and form.is_valid():
        year = form.cleaned_data.get("year") or year
        if form.cleaned_data.get("org"):
            org = get_for_user(_orgs(), user, "view", pk=form.cleaned_data["org"].pk)
    if org is None:
        raise Http404("未找到该页面")
    if not form.is_bound:
        form.initial["org"] = org.pk
    if request.GET.get("export") == "xlsx":
        audit.record("appraisal.export", actor=user, obj=org, org=org, changes={"what": "summary", "year": year})
        return xlsx_workbook_response(f"{org.name}{year}年度民主评议党员情况.xlsx", stats.summary_sheets(org, year))
    figures = stats.summary(org, year)
    page = paginate(request, stats.round_rows(org, year))
    share = stats.share_for(year)
    rows = [(r, rules.check_excellent(getattr(r, f"n_{Rating.EXCELLENT}"), r.n_appraised, share)) for r in page]
    return render(request, "appraisal/summary.html", {
        "form": form, "org": org, "year": year, "s": figures, "page": page, "rows": rows,
        "export_query": f"org={org.pk}&year={year}&export=xlsx",
    })


# --- the member record ------------------------------------------------------------------------------------------


def member_section(member: Any, user: Any) -> dict[str, Any]:
    """What the member page shows of 民主评议: the member's confirmed results the user may read (their own for a
    plain 党员), newest year first, each with its follow-ups. Two queries. The caller has already checked that
    the user may read the member."""
    results = list(
        AppraisalResult.objects.visible_to(user).filter(member=member, round__status=RoundStatus.CONFIRMED)
        .select_related("round__org").prefetch_related(
            Prefetch("followups", queryset=FollowUp.objects.order_by("decided_on", "id")))
        .order_by("-round__year")
    )
    managed = scope_for(user).view_roots
    return {"appraisal_results": results, "appraisal_links": bool(managed)}


urlpatterns = [
    path("", round_list, name="list"),
    path("new/", create, name="create"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/sheet/", sheet, name="sheet"),
    path("<int:pk>/confirm/", confirm, name="confirm"),
    path("<int:pk>/correct/", correct, name="correct"),
    path("results/<int:pk>/correct/", correct_result, name="correct_result"),
    path("results/<int:pk>/followup/", followup_create, name="followup_create"),
    path("followups/", followup_list, name="followups"),
    path("followups/<int:pk>/", followup_detail, name="followup"),
    path("followups/<int:pk>/scan/", followup_scan, name="followup_scan"),
    path("summary/", summary_view, name="summary"),
]
