"""The 党员 registry pages: list with filters, Excel export, detail, create/edit, transfer, status, reveal.

Views only parse input, call one action from members.actions and render. Every queryset starts from
`Member.objects.visible_to(user, ...)`, single records come through `get_for_user` (404 for missing and
forbidden alike), and personal data is shown masked unless revealed through the audited action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core import audit
from dangjian.core.exports import xlsx_response
from dangjian.core.forms import apply_action_errors, submit_action
from dangjian.core.history import edit_history
from dangjian.core.lists import refuses_long_search
from dangjian.core.models import AuditResult
from dangjian.core.otp import otp_links, reveal_page
from dangjian.core.pagination import paginate
from dangjian.core.pickers import parse_id, parse_query
from dangjian.core.scoping import get_for_user, require_some_subtree, scope_for
from dangjian.lib import idcard
from dangjian.lib.masking import mask_id_card
from dangjian.members import actions, pickers, pii
from dangjian.members.filters import MemberFilter
from dangjian.members.forms import MemberForm, RevealForm, StatusForm, TransferForm, UnmaskedExportForm
from dangjian.members.models import Member
from dangjian.members.sections import sections
from dangjian.members.validation import check_member_data
from dangjian.orgs.pickers import use_filter_picker

# Fields the edit history never names (blind index, bookkeeping); cipher fields are not in the history at all.
_MIN_REASON = 4


def _members(user: Any) -> Any:
    """The member records the user may read, with their branch (one join, no per-row queries)."""
    return Member.objects.visible_to(user).select_related("org")


def _filter(request: HttpRequest) -> MemberFilter:
    """The shared MemberFilter over the user's members. Its org select lists only the upper levels of the
    user's tree as an indented list (a national tree has 10⁵ orgs); any visible org stays a valid value."""
    member_filter = MemberFilter(request.GET, queryset=_members(request.user), user=request.user)
    use_filter_picker(member_filter.form.fields["org"], request.user)
    return member_filter


@login_required
@refuses_long_search
def member_list(request: HttpRequest) -> HttpResponse:
    """党员名册: the filtered, scoped, paginated list with its filter form and export links."""
    member_filter = _filter(request)
    # Bad filter values show their errors and no rows, rather than silently widening the list.
    queryset = member_filter.qs if member_filter.form.is_valid() else member_filter.queryset.none()
    page = paginate(
        request, queryset.defer("id_card_cipher", "phone_cipher"), count=member_filter.known_count(request.user)
    )
    today = timezone.localdate()
    rows = [(m, m.age(today), m.party_years(today)) for m in page]
    scope = scope_for(request.user)
    context: dict[str, Any] = {
        "filter": member_filter,
        "page": page,
        "rows": rows,
        "sort": request.GET.get("sort", ""),
        "can_change": bool(scope.change_roots),
        "can_reveal_any": bool(scope.reveal_roots),
        "unmasked_form": UnmaskedExportForm(),
        "filters_active": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
    }
    if scope.reveal_roots:
        context["reveal_needs_otp"] = actions.reveal_needs_otp(request.user)
        context.update(otp_links(request))
    return render(request, "members/list.html", context)


def _safe_filters(member_filter: MemberFilter) -> dict[str, str]:
    """The export's filters for the audit log, with a searched 身份证号 masked (no clear PII in the log)."""
    data = member_filter.form.cleaned_data
    out: dict[str, str] = {}
    for key, value in data.items():
        if value in (None, ""):
            continue
        text = str(value)
        if key == "q":
            normalized = idcard.normalize(text)
            if len(normalized) >= 15 and normalized[:15].isdigit():
                text = mask_id_card(normalized)
        out[key] = text
    return out


_EXPORT_HEADER = [
    "姓名", "性别", "民族", "出生日期", "年龄", "身份证号", "手机号", "学历", "职业", "人员类别", "工作单位", "职务",
    "所在党支部", "所在党小组", "党员类别", "入党日期", "转正日期", "党龄", "党内职务", "党籍状态",
]
_EXPORT_FIELDS = [
    "name", "sex", "ethnicity", "birth_date", "id_card_masked", "phone_masked", "education", "occupation",
    "person_category", "work_unit", "post", "party_status", "joined_on", "confirmed_on", "party_post", "state",
    "org", "org__name", "group", "group__name",
]


def _unmasked_refusal(request: HttpRequest, member_filter: MemberFilter, reason: str) -> str | None:
    """Why an unmasked export is refused (None: allowed). Lacking the right is audited as a denial."""
    user: Any = request.user
    if not scope_for(user).reveal_roots or (
        member_filter.qs.exclude(pk__in=Member.objects.visible_to(user, "reveal").values("pk")).exists()
    ):
        audit.record("auth.denied", actor=user, result=AuditResult.DENIED, reason="members.export_unmasked")
        return "您无权导出所选党员的完整身份证号和手机号，请缩小范围或导出脱敏名册"
    if len(reason) < _MIN_REASON:
        return "导出完整身份证号和手机号须填写事由（至少4个字）"
    if actions.reveal_needs_otp(user):
        return "导出完整身份证号和手机号前须完成动态口令验证"
    return None


@login_required
@require_http_methods(["GET", "POST"])
@refuses_long_search
def export(request: HttpRequest) -> HttpResponse:
    """All rows of the filtered list as .xlsx: masked by default, in full only with the reveal right,
    a reason and a verified session. Every export is audited with its row count and filters.

    The filters come from the query string; the unmasked request (unmasked=1, reason) only from the posted
    form on the list page, so that no link can start a full export and no reason lands in a URL.
    """
    user: Any = request.user
    unmasked = request.method == "POST" and request.POST.get("unmasked") == "1"
    reason = (request.POST.get("reason") or "").strip() if unmasked else ""
    member_filter = _filter(request)
    if not member_filter.form.is_valid():
        messages.error(request, "筛选条件有误，请修改后再导出")
        return redirect(f"{reverse('members:list')}?{request.GET.urlencode()}")
    if unmasked:
        refusal = _unmasked_refusal(request, member_filter, reason)
        if refusal:
            messages.error(request, refusal)
            query = request.GET.copy()
            for key in ("unmasked", "reason", "page"):
                query.pop(key, None)
            return redirect(f"{reverse('members:list')}?{query.urlencode()}")
    fields = _EXPORT_FIELDS + (["id_card_cipher", "phone_cipher"] if unmasked else [])
    queryset = member_filter.qs.select_related("org", "group").only(*fields)
    today = timezone.localdate()
    count = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal count
        for m in queryset.iterator(chunk_size=2000):
            count += 1
            yield [
                m.name, m.get_sex_display(), m.ethnicity, m.birth_date, m.age(today),
                pii.read_id_card(m) if unmasked else m.id_card_masked,
                pii.read_phone(m) if unmasked else m.phone_masked,
                m.get_education_display(), m.get_occupation_display(), m.get_person_category_display(),
                m.work_unit, m.post, m.org.name, m.group.name if m.group is not None else "",
                m.get_party_status_display(), m.joined_on, m.confirmed_on, m.party_years(today), m.party_post,
                m.get_state_display(),
            ]

    response = xlsx_response(f"党员名册{today:%Y%m%d}.xlsx", "党员名册", _EXPORT_HEADER, rows())
    audit.record(
        "members.export", actor=user, reason=reason if unmasked else "",
        changes={"rows": count, "filters": _safe_filters(member_filter), "unmasked": unmasked},
    )
    return response



def _lifecycle_sections(request: HttpRequest, member: Member) -> list[str]:
    """The other apps' parts of the member page, as registered in their member_section modules."""
    return [
        render_to_string(section.template, section.context(member, request.user), request=request)
        for section in sections()
    ]


def _detail_context(request: HttpRequest, member: Member, *, readonly: bool) -> dict[str, Any]:
    """What the detail page shows, and which action buttons the user's scope allows."""
    today = timezone.localdate()
    scope = scope_for(request.user)
    may_change = not readonly and scope.covers(member.org.path, "change")
    may_reveal = not readonly and actions.can_reveal(member, request.user)
    return {
        "member": member,
        "age": member.age(today),
        "party_years": member.party_years(today),
        "events": member.events.select_related("from_org", "to_org", "actor"),
        "history": edit_history(member, hidden=pii.HISTORY_HIDDEN),
        "readonly": readonly,
        "can_edit": may_change and member.on_roll,
        "can_status": may_change and member.on_roll,
        "can_reveal": may_reveal,
        "reveal_form": RevealForm() if may_reveal else None,
        "reveal_needs_otp": may_reveal and actions.reveal_needs_otp(request.user),
        **(otp_links(request) if may_reveal else {}),
        "sections": _lifecycle_sections(request, member),
    }


def _member_for(request: HttpRequest, pk: int, action: str = "view") -> Member:
    """One member the user may reach for `action`, or 404 (missing and forbidden alike, the latter audited)."""
    return get_for_user(Member.objects.select_related("org", "group"), request.user, action, pk=pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One member: all recorded fields (personal data masked), events, edit history and allowed actions."""
    member = _member_for(request, pk)
    return render(request, "members/detail.html", _detail_context(request, member, readonly=False))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的档案: the logged-in user's own member record, read-only; 404 without one."""
    own_id = scope_for(request.user).own_member_id
    if own_id is None:
        raise Http404("您的账号没有关联党员档案")
    member = _member_for(request, own_id)
    return render(request, "members/detail.html", _detail_context(request, member, readonly=True))


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """新增党员 into a 党支部 the user may change; 404 for users who may change none."""
    require_some_subtree(request.user, "change")
    if request.method == "POST":
        form = MemberForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.action_data()
            try:
                member = actions.create_member(actor=request.user, data=data)
            except ValidationError as exc:
                apply_action_errors(form, exc)
            else:
                messages.success(request, f"已新增党员 {member.name}")
                for warning in check_member_data(data, today=timezone.localdate()).warnings:
                    messages.warning(request, warning)
                return redirect("members:detail", pk=member.pk)
    else:
        form = MemberForm(initial={"org": request.GET.get("org") or None, "ethnicity": "汉族"}, user=request.user)
    return render(request, "members/form.html", {"form": form, "member": None, "title": "新增党员"})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a member's recorded data (the branch changes only by transfer, status only by its events)."""
    member = _member_for(request, pk, "change")
    if not member.on_roll:
        messages.error(request, "已不在册的党员记录不能修改")
        return redirect("members:detail", pk=member.pk)
    if request.method == "POST":
        form = MemberForm(request.POST, user=request.user, member=member)
        if form.is_valid():
            data = form.action_data()
            try:
                member = actions.update_member(member, actor=request.user, data=data)
            except ValidationError as exc:
                apply_action_errors(form, exc)
            else:
                messages.success(request, "党员信息已保存")
                merged = {f: getattr(member, f) for f in actions.PLAIN_FIELDS}
                for warning in check_member_data(merged, today=timezone.localdate(), require_id_card=False).warnings:
                    messages.warning(request, warning)
                return redirect("members:detail", pk=member.pk)
    else:
        form = MemberForm(initial=MemberForm.initial_for(member), user=request.user, member=member)
    return render(request, "members/form.html", {"form": form, "member": member, "title": f"编辑党员 {member.name}"})


def _member_form(
    request: HttpRequest, member: Member, form: Any, template: str, write: Callable[[dict[str, Any]], Any],
    message: Callable[[Any], str],
) -> HttpResponse:
    """A form acting on one member's 党籍 (转接, 党籍变动): a valid POST writes and goes back to the member's page;
    otherwise `template` with the form and its errors."""
    done = submit_action(request, form, write, message=message,
                         then=lambda _: redirect("members:detail", pk=member.pk))
    return done or render(request, template, {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """组织关系转接 to another 党支部 inside the user's scope."""
    member = _member_for(request, pk, "change")
    form = TransferForm(
        request.POST or None, user=request.user, member=member, initial={"date": timezone.localdate()}
    )
    return _member_form(
        request, member, form, "members/transfer.html",
        lambda data: actions.transfer_member(member, actor=request.user, to_org=data["to_org"], date=data["date"],
                                             reason=data["reason"], doc_no=data["doc_no"]),
        lambda _: f"{member.name} 的组织关系已转入{form.cleaned_data['to_org'].name}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, pk: int) -> HttpResponse:
    """党籍变动: 转正, 停止党籍, 恢复党籍, 出党, 去世 — the record itself stays (转出 goes through 组织关系转接)."""
    member = _member_for(request, pk, "change")
    form = StatusForm(request.POST or None, initial={"date": timezone.localdate()})
    return _member_form(
        request, member, form, "members/status.html",
        lambda data: actions.record_status_event(member, actor=request.user, kind=data["kind"], date=data["date"],
                                                 reason=data["reason"], doc_no=data["doc_no"],
                                                 leave_reason=data["leave_reason"]),
        lambda event: f"已记录 {member.name} 的{event.get_kind_display()}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a full 身份证号 or 手机号 once, to a user with the reveal right, for a stated reason (audited)."""
    member = _member_for(request, pk, "reveal")
    needs_otp = actions.reveal_needs_otp(request.user)
    form = RevealForm(request.POST or None, initial={"field": request.GET.get("field", "id_card")})
    return reveal_page(
        request, form, needs_otp=needs_otp,
        reveal=lambda field, reason: actions.reveal(member, actor=request.user, field=field, reason=reason),
        labels=actions.REVEALABLE, result=("members/reveal_result.html", {"member": member}),
        page={"member": member, "person_name": member.name, "list_url": reverse("members:list"),
              "list_label": "党员名册", "detail_url": reverse("members:detail", args=[member.pk]),
              "otp_required_setting": settings.DANGJIAN_REVEAL_REQUIRES_OTP},
    )


@login_required
@require_GET
def pick(request: HttpRequest) -> HttpResponse:
    """Up to 20 members for the member picker (members.pickers.search) as JSON: `q` by name, pinyin or initials;
    `within` an org id (its subtree), `action` (view/change) and `state` (active/on_roll) narrow the search to what
    the field accepts. A bad parameter is a 400 with the reason."""
    try:
        text = parse_query(request.GET.get("q"))
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    action = request.GET.get("action") or "view"
    state = request.GET.get("state") or "on_roll"
    if action not in ("view", "change") or state not in pickers.STATES:
        return JsonResponse({"error": "不支持的范围参数"}, status=400)
    return JsonResponse(pickers.search(request.user, text, action=action, state=state,
                                       within=parse_id(request.GET.get("within"))))


urlpatterns = [
    path("", member_list, name="list"),
    path("pick/", pick, name="pick"),
    path("new/", create, name="create"),
    path("export/", export, name="export"),
    path("mine/", mine, name="mine"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/transfer/", transfer, name="transfer"),
    path("<int:pk>/status/", status, name="status"),
    path("<int:pk>/reveal/", reveal, name="reveal"),
]
