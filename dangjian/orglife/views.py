"""Meeting pages: the list and the month calendar, quick recording (meeting, then its attendance sheet on one
page), the record with its history, submission, correction, votes and private attachment downloads.

Views only parse input, call one action from dangjian.orglife.actions and render. What a user may read comes
from `actions.meetings_for` / `actions.get_meeting_for_user`: their scope's meetings (visible_to), plus — for
a plain 党员 — the submitted meetings they were expected at, shown read-only with only their own attendance.
Recording and editing need the "change" scope on the meeting's org (支部书记, 组织委员, 党务管理员); a
上级查看 reads only. Anything out of reach is a 404, the same as a missing record.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import audit, documents, uploads
from dangjian.core.dbrouter import reads_from_replica
from dangjian.core.exports import xlsx_workbook_response
from dangjian.core.forms import run_posted
from dangjian.core.history import edit_history
from dangjian.core.lists import id_page
from dangjian.core.scoping import get_for_user, scope_for, subtree_q
from dangjian.orglife import actions, hooks
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.documents import LEDGER, ledger_context
from dangjian.orglife.filters import MeetingFilter
from dangjian.orglife.forms import (
    AttendanceForm,
    CorrectionForm,
    MeetingForm,
    VoteForm,
    parse_month,
)
from dangjian.orglife.ledgers import ledger_sheets
from dangjian.orglife.models import Meeting, MeetingKindTag
from dangjian.orglife.roll import roll_of
from dangjian.orglife.signin import actions as signin_actions
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.pickers import filter_picker

_HISTORY_HIDDEN = ["created_at", "created_by"]
# Action fields shown under another name on the pages (the date and time inputs, the photo input).
_FIELD_ON_FORM = {"starts_at": "date", "file": "photos"}


def _orgs() -> Any:
    """The unfiltered org queryset, for get_for_user (which applies the scope itself)."""
    return Organization.objects.get_queryset()


def _with_kinds(queryset: Any) -> Any:
    """Meetings with their org and kind tags (two queries for a whole page, not one per row)."""
    return queryset.select_related("org").prefetch_related(
        Prefetch("kind_tags", queryset=MeetingKindTag.objects.order_by("kind"))
    )


def _kind_labels(meeting: Meeting) -> list[str]:
    return [MeetingKind(k).label for k in actions.meeting_kinds(meeting)]


def _members_for_form(org: Organization, day: dt.date) -> list[Any]:
    """Host/recorder/vote choices: whoever an all-member sitting of the org would expect on `day`."""
    kinds = [MeetingKind.GROUP_MEETING] if org.kind == OrgKind.GROUP else [MeetingKind.BRANCH_ASSEMBLY]
    return actions.expected_members(org, day, kinds)


# --- list and calendar -------------------------------------------------------------------------------------


def _counted(meetings: Any, ids: list[int]) -> Any:
    """The meetings `ids` (a page) with their org, kind tags and 应到/实到 counted in SQL for those rows only."""
    return _with_kinds(meetings.filter(pk__in=ids)).annotate(
        n_expected=Count("attendance", filter=Q(attendance__dual=False, attendance__excluded=False)),
        n_present=Count("attendance", filter=Q(attendance__dual=False, attendance__excluded=False,
                                               attendance__status="present")),
    )


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """组织生活记录: meetings the user may read, filtered (the API's MeetingFilter) and paginated ids first (core.lists),
    with 应到/实到 counted in SQL for the page's meetings only; the total is capped ("10,000+")."""
    user: Any = request.user
    scope = scope_for(user)
    meetings = actions.meetings_for(user)
    meeting_filter = MeetingFilter.for_page(request, meetings, filter_picker)
    page = id_page(request, meeting_filter.rows().order_by("-starts_at", "-id"), lambda ids: _counted(meetings, ids))
    rows = [(m, _kind_labels(m)) for m in page]
    own_branch = scope.own_org_id if scope.own_org_id and scope.change_roots and (
        Organization.objects.visible_to(user, "change").filter(pk=scope.own_org_id, kind=OrgKind.BRANCH).exists()
    ) else None
    return render(request, "orglife/list.html", {
        "form": meeting_filter.form, "page": page, "rows": rows, "can_record": bool(scope.change_roots),
        "own_branch": own_branch,
        "calendar_org": scope.own_org_id if not scope.view_roots else None,
    })


@login_required
@require_GET
def org_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """A month grid of an org's meetings (its subtree's, so a branch sees its groups' too)."""
    user: Any = request.user
    org = get_for_user(_orgs(), user, "view", pk=pk)
    today = timezone.localdate()
    year, month = parse_month(request.GET.get("month")) or (today.year, today.month)
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    meetings = (
        actions.meetings_for(user).filter(subtree_q(org.path, "org__path"), held_on__gte=first, held_on__lt=following)
        .select_related("org").order_by("starts_at", "id")
    )
    by_day: dict[dt.date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(meeting.held_on, []).append(meeting)
    weeks = [
        [{"day": d, "in_month": d.month == month, "meetings": by_day.get(d, []), "today": d == today} for d in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous = first - dt.timedelta(days=1)
    return render(request, "orglife/calendar.html", {
        "org": org, "weeks": weeks, "first": first, "count": sum(len(v) for v in by_day.values()),
        "previous": f"{previous.year}-{previous.month:02d}", "next": f"{following.year}-{following.month:02d}",
        "weekdays": ["一", "二", "三", "四", "五", "六", "日"],
        "can_record": scope_for(user).covers(org.path, "change") and org.is_active,
    })


# --- recording ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """登记组织生活 for `?org=<pk>` (an org the user may change); without it, a list of such orgs to pick."""
    user: Any = request.user
    if not scope_for(user).change_roots:
        raise Http404("未找到该页面")
    org_pk = request.GET.get("org")
    if not org_pk:
        orgs = (
            Organization.objects.visible_to(user, "change").active()
            .filter(kind__in=[OrgKind.BRANCH, OrgKind.GROUP, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE])
            .order_by("path")[:200]
        )
        return render(request, "orglife/pick_org.html", {"orgs": orgs})
    org = get_for_user(_orgs(), user, "change", pk=org_pk)
    now = timezone.localtime()
    policy = hooks.study_policy(now.date())
    form = MeetingForm(
        request.POST or None, org=org, members=_members_for_form(org, now.date()),
        initial={"date": now.date(), "time": now.time().replace(second=0, microsecond=0),
                 "study_hours": policy.default_hours if policy else None},
    )
    meeting = run_posted(
        request, form, lambda: actions.record_meeting(actor=user, org=org, data=form.action_data()), _FIELD_ON_FORM)
    if meeting is not None:
        messages.success(request, "会议已保存为草稿，请登记出席情况")
        return redirect("orglife:attendance", pk=meeting.pk)
    return render(request, "orglife/form.html", {
        "form": form, "org": org, "meeting": None, "title": f"登记组织生活：{org.name}", "submit": "保存并登记出席",
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft (a submitted record goes to the correction form instead)."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk, "change")
    if meeting.status != MeetingStatus.DRAFT:
        return redirect("orglife:correct", pk=meeting.pk)
    kinds = actions.meeting_kinds(meeting)
    form = MeetingForm(
        request.POST or None, org=meeting.org, members=_members_for_form(meeting.org, meeting.held_on),
        initial=MeetingForm.initial_for(meeting, kinds),
    )
    saved = run_posted(
        request, form, lambda: actions.update_meeting(meeting, actor=user, data=form.action_data()), _FIELD_ON_FORM)
    if saved is not None:
        messages.success(request, "会议记录已保存")
        return redirect("orglife:detail", pk=meeting.pk)
    return render(request, "orglife/form.html", {
        "form": form, "org": meeting.org, "meeting": meeting, "title": f"修改：{meeting.title}", "submit": "保存",
    })


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """更正 a submitted record, with the reason kept in its history and the audit log."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk, "change")
    if meeting.status != MeetingStatus.SUBMITTED:
        return redirect("orglife:edit", pk=meeting.pk)
    kinds = actions.meeting_kinds(meeting)
    form = CorrectionForm(
        request.POST or None, org=meeting.org, members=_members_for_form(meeting.org, meeting.held_on),
        initial=MeetingForm.initial_for(meeting, kinds),
    )
    corrected = run_posted(request, form, lambda: actions.correct_meeting(
        meeting, actor=user, data=form.action_data(), reason=form.cleaned_data["reason"]), _FIELD_ON_FORM)
    if corrected is not None:
        messages.success(request, "更正已保存，原因已记入修改记录")
        return redirect("orglife:detail", pk=meeting.pk)
    return render(request, "orglife/form.html", {
        "form": form, "org": meeting.org, "meeting": meeting, "title": f"更正：{meeting.title}", "submit": "保存更正",
        "hint": "已提交的记录只能更正，须填写原因；更正前后的内容都保留在修改记录中。",
    })


def _save_sheet(meeting: Meeting, user: Any, form: AttendanceForm, files: list[Any], *, submit: bool) -> Meeting:
    """Attendance, guests, minutes and photos of one sheet — and, with `submit`, the submission (and with it the
    study record) — all or nothing (every file checked first)."""
    for upload in files:
        uploads.check_file(upload, "附件")
    with transaction.atomic():
        actions.set_attendance(meeting, actor=user, entries=form.entries(), guests=form.guests())
        if form.cleaned_data["minutes"] != meeting.minutes:
            actions.update_meeting(meeting, actor=user, data={"minutes": form.cleaned_data["minutes"]})
        for upload in files:
            actions.add_attachment(meeting, actor=user, upload=upload)
        if submit:
            actions.submit_meeting(meeting, actor=user)
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance sheet of a draft, in exceptions mode for a phone at the meeting: everyone 出席 unless marked;
    a search by name or pinyin initials finds the few who were not, each with the reason; 外出流动/失联 members
    shown apart; QR sign-in started here; 保存并提交 in the same step."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk, "change")
    if meeting.status != MeetingStatus.DRAFT:
        messages.error(request, "已提交的记录不能修改出席情况")
        return redirect("orglife:detail", pk=meeting.pk)
    prefetch_related_objects([meeting], "attendance", "guests")
    sitting = roll_of(meeting)
    members, notes, excludable = sitting.members, sitting.notes, sitting.excludable
    expected_ids = {m.pk for m in members}
    candidates = [m for m in actions.dual_candidates(meeting) if m.pk not in expected_ids]
    signin = signin_actions.latest_signin(meeting)
    form = AttendanceForm(
        request.POST or None, request.FILES or None, members=members, dual_candidates=candidates, notes=notes,
        excludable=excludable,
        initial=AttendanceForm.initial_for(meeting, members, notes, signed_in_only=signin is not None,
                                           excludable=excludable),
    )
    files = request.FILES.getlist("photos")
    submit = request.POST.get("then") == "submit"
    saved = run_posted(request, form, lambda: _save_sheet(meeting, user, form, files, submit=submit), _FIELD_ON_FORM)
    if saved is not None:
        messages.success(request, "出席情况已保存，记录已提交" if submit else "出席情况已保存")
        return redirect("orglife:detail", pk=meeting.pk)
    return render(request, "orglife/attendance.html", {
        "meeting": meeting, "form": form, "signin": signin, "signin_minutes": signin_actions.WINDOW_CHOICES,
        "study_hours": meeting.study_hours, "expected": sitting.expected,
    })


# --- the record ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One record: fields, attendance, guests, votes, attachments and history; the actions the user may take.

    A plain 党员 reading a meeting they were expected at sees the record and their own attendance only.
    """
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk)
    scope = scope_for(user)
    full = scope.covers(meeting.org.path, "view")
    may_change = scope.covers(meeting.org.path, "change")
    rows = list(meeting.attendance.select_related("member").order_by("dual", "member__name_pinyin", "member_id"))
    kinds = actions.meeting_kinds(meeting)
    summary = actions.summarise(rows)
    if not full:
        rows = [r for r in rows if r.member_id == scope.own_member_id]
    is_draft = meeting.status == MeetingStatus.DRAFT
    return render(request, "orglife/detail.html", {
        "meeting": meeting, "kinds": [MeetingKind(k).label for k in kinds], "rows": rows, "summary": summary,
        "full": full, "guests": list(meeting.guests.all()) if full else [],
        "attachments": list(meeting.attachments.all()) if full else [],
        "votes": list(meeting.votes.select_related("member")),
        "history": edit_history(meeting, hidden=_HISTORY_HIDDEN) if full else [],
        "host": meeting.host, "recorder": meeting.recorder,
        "can_edit": may_change and is_draft, "can_correct": may_change and not is_draft,
        "can_vote": may_change and is_draft and MeetingKind.BRANCH_ASSEMBLY in kinds,
    })


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """提交 a draft; refusals (attendance not complete) come back as a message on the record."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk, "change")
    try:
        actions.submit_meeting(meeting, actor=user)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, "记录已提交")
    return redirect("orglife:detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """登记表决 at a draft 党员大会: counts as tallied; the result is computed, never typed."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk, "change")
    members = actions.expected_members(meeting.org, meeting.held_on, actions.meeting_kinds(meeting))
    form = VoteForm(request.POST or None, members=members)
    result = run_posted(
        request, form, lambda: actions.record_vote(meeting, actor=user, **form.action_data()), _FIELD_ON_FORM)
    if result is not None:
        outcome = "通过" if result.passed else ("未达到法定人数" if not result.quorum else "未通过")
        messages.success(request, f"表决已登记：{result.subject}，{outcome}")
        return redirect("orglife:detail", pk=meeting.pk)
    return render(request, "orglife/vote.html", {"meeting": meeting, "form": form})


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A stored photo or scan, only to users who read the whole record; always as a download, never sniffed."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk)
    if not scope_for(user).covers(meeting.org.path, "view"):
        raise Http404("未找到该记录")
    attachment = meeting.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("未找到该附件")
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
@reads_from_replica
def ledger(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """台账 for an org's subtree and a year, as one workbook (or, with ?format=docx, one Word document) generated from the records (never typed):
    the organizational-life ledger with attendance, the compliance sheet and the 换届 register. Audited."""
    org = get_for_user(Organization.objects.visible_to(request.user), request.user, "view", pk=pk)
    if not scope_for(request.user).covers(org.path, "view") or not 2000 <= year <= 2100:
        raise Http404("未找到该记录")
    fmt = "docx" if request.GET.get("format") == "docx" else "xlsx"
    audit.record("orglife.ledger", actor=request.user, obj=org, org=org, changes={"year": year, "format": fmt})
    if fmt == "docx":
        data = documents.render(LEDGER, ledger_context(request.user, org, year))
        return documents.docx_response(data, f"{org.name}{year}年组织生活台账.docx")
    return xlsx_workbook_response(f"{org.name}{year}年组织生活台账.xlsx", ledger_sheets(request.user, org, year))


urlpatterns = [
    path("", meeting_list, name="list"),
    path("new/", create, name="create"),
    path("org/<int:pk>/calendar/", org_calendar, name="calendar"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/attendance/", attendance, name="attendance"),
    path("<int:pk>/submit/", submit, name="submit"),
    path("<int:pk>/correct/", correct, name="correct"),
    path("<int:pk>/vote/", vote, name="vote"),
    path("<int:pk>/attachments/<int:attachment_pk>/", attachment_download, name="attachment"),
    path("ledger/<int:pk>/<int:year>/", ledger, name="ledger"),
]
