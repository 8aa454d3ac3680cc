"""The pages of 组织关系转接, 流动党员, 失联党员 and 停止党籍: lists with filters and Excel export, detail pages with
history and the actions each side may take, and the forms that start them.

Views only parse input, call one action from dangjian.transfers.actions and render. Lists start from the
scoped querysets of dangjian.transfers.queries (a transfer is visible to both sides), single records come
through `get_for_user` (404 for missing and forbidden alike, the latter audited). Who may press which button is
shown from the same scope the actions check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import audit
from dangjian.core import rules as rule_registry
from dangjian.core.exports import xlsx_response
from dangjian.core.forms import apply_action_errors, submit_action
from dangjian.core.history import edit_history
from dangjian.core.lists import refuses_long_search
from dangjian.core.pagination import paginate
from dangjian.core.scoping import get_for_user, require_some_subtree, scope_for
from dangjian.members.models import Member
from dangjian.transfers import actions, rules
from dangjian.transfers.choices import LostStage, TransferKind, TransferStatus
from dangjian.transfers.filters import FloatingFilter, LostFilter, SuspendedFilter, TransferFilter
from dangjian.transfers.forms import (
    AcceptForm,
    CancelForm,
    DecisionForm,
    EndFloatingForm,
    ExternalOutForm,
    FloatingForm,
    FoundForm,
    LostForm,
    ReceiptForm,
    ReceiveForm,
    ReturnForm,
    RevealForm,
    TransferRequestForm,
)
from dangjian.transfers.models import FloatingMember, LostContact, Transfer
from dangjian.transfers.queries import (
    Cutoffs,
    floating_for,
    lost_for,
    pending_counts,
    receiving_branches,
    suspended_for,
    transfers_for,
    with_receipt_late,
)


def _cut() -> Cutoffs:
    return Cutoffs.on(timezone.localdate())



def _export(request: HttpRequest, filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
            what: str, count: Callable[[], int]) -> HttpResponse:
    response = xlsx_response(f"{filename}{timezone.localdate():%Y%m%d}.xlsx", sheet, header, rows)
    filters = {k: v for k, v in request.GET.items() if v and k not in ("export", "page")}
    audit.record("transfers.export", actor=request.user, changes={"list": what, "rows": count(), "filters": filters})
    return response


def _list_page(request: HttpRequest, filterset: Any) -> tuple[Any, Any]:
    """The filtered rows (none when a filter value is bad, so an export never widens) and whether filters are set."""
    qs = filterset.qs if filterset.form.is_valid() else filterset.queryset.none()
    return qs, any(v for k, v in request.GET.items() if k not in ("page", "export"))


# --- 组织关系转接 -------------------------------------------------------------------------------------------------

TRANSFER_HEADER = ["姓名", "类型", "状态", "转出党组织", "接收党组织", "介绍信编号", "转出日期", "办结日期", "回执日期",
                   "回执逾期", "转接原因", "退回或撤回原因"]


@login_required
@require_GET
@refuses_long_search
def transfer_list(request: HttpRequest) -> HttpResponse:
    """组织关系转接: pending in and out by default, for the user's subtrees (both sides see a transfer)."""
    require_some_subtree(request.user)
    cut = _cut()
    f = TransferFilter(request.GET, queryset=with_receipt_late(transfers_for(request.user), cut), user=request.user)
    qs, filtered = _list_page(request, f)
    if request.GET.get("export") == "xlsx":
        rows = [
            [t.member.name, t.get_kind_display(), t.status_label, t.origin, t.destination, t.letter_no, t.issued_on,
             t.decided_on, t.receipt_on, "是" if t.receipt_late else "", t.reason, t.decision_reason]
            for t in qs
        ]
        return _export(request, "组织关系转接", "组织关系转接", TRANSFER_HEADER, rows, "transfers", lambda: len(rows))
    org = f.form.cleaned_data.get("org") if f.form.is_valid() else None
    return render(request, "transfers/list.html", {
        "filter": f, "page": paginate(request, qs), "filtered": filtered,
        "can_change": bool(scope_for(request.user).change_roots), "receipt_days": cut.receipt_days,
        "counts": pending_counts(request.user, cut, org), "org": org,
    })


def _transfer_context(request: HttpRequest, t: Transfer, **forms: Form) -> dict[str, Any]:
    scope = scope_for(request.user)
    pending = t.status == TransferStatus.PENDING
    receiving = t.to_org is not None and scope.covers(t.to_org.path, "change")
    sending = t.from_org is not None and scope.covers(t.from_org.path, "change")
    cut = _cut()
    due = rules.receipt_due(t.issued_on, cut.receipt_days) if t.kind == TransferKind.OUT else None
    today = timezone.localdate()
    return {
        "transfer": t, "member": t.member, "history": edit_history(t, hidden=["phone_cipher"]),
        "member_visible": Member.objects.visible_to(request.user).filter(pk=t.member_id).exists(),
        "can_decide": pending and receiving and t.kind == TransferKind.INTERNAL,
        "can_cancel": pending and sending,
        "can_receipt": pending and sending and t.kind == TransferKind.OUT,
        "receipt_due": due, "receipt_late": pending and due is not None and today > due,
        "receipt_days": cut.receipt_days,
        "accept_form": forms.get("accept_form") or AcceptForm(initial={"date": today}),
        "return_form": forms.get("return_form") or ReturnForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "receipt_form": forms.get("receipt_form") or ReceiptForm(initial={"receipt_on": today}),
    }


def _transfer_for(request: HttpRequest, pk: int, action: str = "view") -> Transfer:
    return get_for_user(Transfer.objects.select_related("member__org", "from_org", "to_org", "decided_by", "created_by"),
                        request.user, action, pk=pk)


@login_required
@require_GET
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = _transfer_for(request, pk)
    return render(request, "transfers/detail.html", _transfer_context(request, t))


def _submit(request: HttpRequest, obj: Any, form_class: type[Form], run: Callable[[Any, dict[str, Any]], Any],
            done: str, detail: str, error_page: Callable[[Form], HttpResponse]) -> HttpResponse:
    """One action posted from a detail page: run it, then back to the page — or the page again with the errors."""
    form = form_class(request.POST)
    response = submit_action(request, form, lambda data: run(obj, data), message=done.format(name=obj.member.name),
                             then=lambda _: redirect(detail, pk=obj.pk))
    if response:
        return response
    messages.error(request, "未能办理，请查看下方的提示")
    return error_page(form)


def _decide(request: HttpRequest, pk: int, form_class: type[Form], key: str,
            run: Callable[[Transfer, dict[str, Any]], Any], done: str) -> HttpResponse:
    t = _transfer_for(request, pk, "change")
    return _submit(request, t, form_class, run, done, "transfers:detail", lambda form: render(
        request, "transfers/detail.html", _transfer_context(request, t, **{key: form}), status=400))


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, AcceptForm, "accept_form",
                   lambda t, d: actions.accept_transfer(t, actor=request.user, date=d["date"]), "已接收{name}的组织关系")


@login_required
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, ReturnForm, "return_form",
                   lambda t, d: actions.return_transfer(t, actor=request.user, reason=d["reason"]),
                   "已退回{name}的组织关系转接")


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, CancelForm, "cancel_form",
                   lambda t, d: actions.cancel_transfer(t, actor=request.user, reason=d["reason"]),
                   "已撤回{name}的组织关系转接")


@login_required
@require_POST
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, ReceiptForm, "receipt_form",
                   lambda t, d: actions.record_receipt(t, actor=request.user, receipt_on=d["receipt_on"]),
                   "已登记回执，{name}的组织关系已转出")


def _member_for(request: HttpRequest, pk: int) -> Member:
    return get_for_user(Member.objects.select_related("org"), request.user, "change", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_transfer(request: HttpRequest, member_pk: int) -> HttpResponse:
    """发起系统内转接: pick the receiving 党支部 from a search of all active branches."""
    member = _member_for(request, member_pk)
    today = timezone.localdate()
    form = TransferRequestForm(request.POST or None, initial={"issued_on": today})
    chosen = request.POST.get("to_org") or ""
    to_org_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            t = actions.request_transfer(member, actor=request.user, to_org=chosen or None, issued_on=data["issued_on"],
                                         reason=data["reason"], letter_no=data["letter_no"])
        except ValidationError as exc:
            to_org_errors = exc.message_dict.get("to_org", [])
            apply_action_errors(form, ValidationError({k: v for k, v in exc.message_dict.items() if k != "to_org"}))
        else:
            messages.success(request, f"已向{t.destination}发起{member.name}的组织关系转接，待对方接收")
            return redirect("transfers:detail", pk=t.pk)
    query = request.GET.get("q", "") or request.POST.get("q", "")
    return render(request, "transfers/request.html", {
        "form": form, "member": member, "q": query, "branches": receiving_branches(query, include=chosen),
        "chosen": chosen, "to_org_errors": to_org_errors,
    })


@login_required
@require_GET
def branch_search(request: HttpRequest) -> HttpResponse:
    """The receiving-branch choices for a search (htmx partial): active 党支部 of the whole system, names only."""
    require_some_subtree(request.user, "change")
    return render(request, "transfers/_branches.html", {
        "branches": receiving_branches(request.GET.get("q", "")), "q": request.GET.get("q", ""), "chosen": "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def issue_out(request: HttpRequest, member_pk: int) -> HttpResponse:
    """转出系统外: the 介绍信; the member stays on the roll until its 回执 is recorded."""
    member = _member_for(request, member_pk)
    form = ExternalOutForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    done = submit_action(
        request, form,
        lambda data: actions.issue_external_transfer(member, actor=request.user, outside_org=data["outside_org"],
                                                     letter_no=data["letter_no"], issued_on=data["issued_on"],
                                                     reason=data["reason"]),
        message=lambda t: f"已登记{member.name}转往{t.outside_org}的介绍信，回执退回后请登记回执",
        then=lambda t: redirect("transfers:detail", pk=t.pk),
    )
    return done or render(request, "transfers/out.html", {"form": form, "member": member,
                                                  "receipt_days": _cut().receipt_days})


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    """从系统外转入: the member is registered (as 新增党员) together with the 介绍信."""
    require_some_subtree(request.user, "change")
    if request.method == "POST":
        form = ReceiveForm(request.POST, user=request.user)
    else:
        form = ReceiveForm(initial={"ethnicity": "汉族", "arrived_on": timezone.localdate()}, user=request.user)
    done = submit_action(
        request, form,
        lambda data: actions.receive_external_transfer(
            actor=request.user, data=form.action_data(), outside_org=data["outside_org"],
            letter_no=data["letter_no"], issued_on=data["issued_on"], arrived_on=data["arrived_on"],
        ),
        message=lambda t: f"已接收{t.member.name}的组织关系（自{t.outside_org}转入）",
        then=lambda t: redirect("transfers:detail", pk=t.pk),
    )
    return done or render(request, "transfers/receive.html", {"form": form})


# --- 流动党员 ---------------------------------------------------------------------------------------------------

FLOATING_HEADER = ["姓名", "所在党支部", "外出日期", "外出地点", "地点相对固定", "外出原因", "预计返回日期", "联系电话",
                   "流入地联系党组织", "流动党员活动证编号", "应转移组织关系", "结束日期", "结束情况"]


@login_required
@require_GET
@refuses_long_search
def floating_list(request: HttpRequest) -> HttpResponse:
    """流动党员: those away, the ones who must transfer (第二十五条) first."""
    require_some_subtree(request.user)
    cut = _cut()
    f = FloatingFilter(request.GET, queryset=floating_for(request.user, cut), user=request.user)
    qs, filtered = _list_page(request, f)
    if request.GET.get("export") == "xlsx":
        rows = [
            [r.member.name, r.member.org.name, r.left_on, r.place, "是" if r.fixed_place else "否", r.reason,
             r.expected_return, r.phone_masked, r.host_org, r.certificate_no, "是" if r.must_transfer else "",
             r.returned_on, r.end_note]
            for r in qs
        ]
        return _export(request, "流动党员", "流动党员", FLOATING_HEADER, rows, "floating", lambda: len(rows))
    page = paginate(request, qs)
    entries = [(r, rules.floating_transfer_due(r.left_on, cut.floating_months)) for r in page]
    return render(request, "transfers/floating_list.html", {
        "filter": f, "page": page, "rows": entries, "filtered": filtered, "months": cut.floating_months,
    })


def _floating_for(request: HttpRequest, pk: int, action: str = "view") -> FloatingMember:
    return get_for_user(FloatingMember.objects.select_related("member__org"), request.user, action, pk=pk)


@login_required
@require_GET
def floating_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _floating_page(request, _floating_for(request, pk))


def _floating_page(request: HttpRequest, record: FloatingMember, end_form: Form | None = None) -> HttpResponse:
    cut = _cut()
    annotated: Any = floating_for(request.user, cut).get(pk=record.pk)
    can_change = scope_for(request.user).covers(record.member.org.path, "change") and record.is_open
    return render(request, "transfers/floating_detail.html", {
        "record": annotated, "member": record.member, "history": edit_history(record, hidden=["phone_cipher"]), "months": cut.floating_months,
        "due": rules.floating_transfer_due(record.left_on, cut.floating_months),
        "can_change": can_change, "can_transfer": can_change and record.member.on_roll and not annotated.transfer_open,
        "can_reveal": bool(record.phone_masked) and scope_for(request.user).covers(record.member.org.path, "reveal"),
        "reveal_form": RevealForm(),
        "end_form": end_form or EndFloatingForm(initial={"returned_on": timezone.localdate()}),
    }, status=400 if end_form is not None else 200)


@login_required
@require_http_methods(["GET", "POST"])
def floating_create(request: HttpRequest, member_pk: int) -> HttpResponse:
    member = _member_for(request, member_pk)
    form = FloatingForm(request.POST or None)
    done = submit_action(
        request, form, lambda _: actions.record_floating(member, actor=request.user, data=form.action_data(editing=False)),
        message=f"已登记{member.name}外出", then=lambda record: redirect("transfers:floating_detail", pk=record.pk),
    )
    return done or render(request, "transfers/floating_form.html", {"form": form, "member": member, "record": None})


@login_required
@require_http_methods(["GET", "POST"])
def floating_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _floating_for(request, pk, "change")
    if request.method == "POST":
        form = FloatingForm(request.POST)
        done = submit_action(
            request, form, lambda _: actions.update_floating(record, actor=request.user, data=form.action_data(editing=True)),
            message="外出登记已保存", then=lambda _: redirect("transfers:floating_detail", pk=record.pk),
        )
        if done:
            return done
    else:
        form = FloatingForm(initial={f: getattr(record, f) for f in actions.FLOATING_FIELDS})
        form.fields["phone"].widget.attrs["placeholder"] = record.phone_masked or "未登记"
        form.fields["phone"].help_text = "留空表示不修改"
    return render(request, "transfers/floating_form.html", {"form": form, "member": record.member, "record": record})


@login_required
@require_POST
def floating_end(request: HttpRequest, pk: int) -> HttpResponse:
    record = _floating_for(request, pk, "change")
    return _submit(
        request, record, EndFloatingForm,
        lambda r, d: actions.end_floating(r, actor=request.user, returned_on=d["returned_on"], note=d["note"]),
        "已登记{name}外出结束", "transfers:floating_detail", lambda form: _floating_page(request, record, end_form=form),
    )


@login_required
@require_POST
def floating_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full contact number, once, for a stated reason (audited); the reasons for refusal on the detail page."""
    record = _floating_for(request, pk, "reveal")
    form = RevealForm(request.POST)
    shown = submit_action(
        request, form, lambda data: actions.reveal_floating_phone(record, actor=request.user, reason=data["reason"]),
        message=None, then=lambda value: render(request, "transfers/reveal_result.html", {
            "record": record, "member": record.member, "value": value,
        }),
    )
    if shown:
        return shown
    messages.error(request, "；".join(str(m) for msgs in form.errors.values() for m in msgs))
    return redirect("transfers:floating_detail", pk=record.pk)


# --- 失联党员 ---------------------------------------------------------------------------------------------------

LOST_HEADER = ["姓名", "所在党支部", "党籍状态", "最后联系日期", "阶段", "停止党籍日期", "停止党籍文号", "查找情况",
               "结案情况", "结案日期"]


@login_required
@require_GET
@refuses_long_search
def lost_list(request: HttpRequest) -> HttpResponse:
    """失联党员: open cases with their stage (第二十四条): lost, 停止党籍 due, suspended, 除名 due."""
    require_some_subtree(request.user)
    cut = _cut()
    f = LostFilter(request.GET, queryset=lost_for(request.user, cut), user=request.user)
    qs, filtered = _list_page(request, f)
    if request.GET.get("export") == "xlsx":
        rows = [
            [c.member.name, c.member.org.name, c.member.get_state_display(), c.last_contact_on,
             LostStage(c.stage).label, c.suspended_on, c.suspension.doc_no if c.suspension else "", c.search_notes,
             c.get_outcome_display(), c.closed_on]
            for c in qs
        ]
        return _export(request, "失联党员", "失联党员", LOST_HEADER, rows, "lost", lambda: len(rows))
    page = paginate(request, qs)
    return render(request, "transfers/lost_list.html", {
        "filter": f, "page": page, "filtered": filtered, "months": cut.lost_months, "years": cut.suspension_years,
        "stages": LostStage,
    })


def _case_for(request: HttpRequest, pk: int, action: str = "view") -> LostContact:
    return get_for_user(LostContact.objects.select_related("member__org", "suspension", "removal"),
                        request.user, action, pk=pk)


def _lost_context(request: HttpRequest, case: LostContact, **forms: Form) -> dict[str, Any]:
    cut = _cut()
    annotated: Any = lost_for(request.user, cut).get(pk=case.pk)
    can_change = scope_for(request.user).covers(case.member.org.path, "change") and case.is_open
    today = timezone.localdate()
    return {
        "case": annotated, "member": case.member, "history": edit_history(case, hidden=["phone_cipher"]), "months": cut.lost_months,
        "years": cut.suspension_years, "suspension_due": rules.suspension_due(case.last_contact_on, cut.lost_months),
        "removal_due": rules.removal_due(annotated.suspended_on, cut.suspension_years) if annotated.suspended_on else None,
        "can_change": can_change, "stages": LostStage,
        "can_edit": can_change and annotated.suspension_id is None and case.member.state == "active",
        "can_suspend": can_change and annotated.stage == LostStage.SUSPEND_DUE,
        "can_remove": can_change and annotated.stage == LostStage.REMOVE_DUE,
        "found_form": forms.get("found_form") or FoundForm(initial={"found_on": today}),
        "suspend_form": forms.get("suspend_form") or DecisionForm(initial={"date": today}),
    }


@login_required
@require_GET
def lost_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    return render(request, "transfers/lost_detail.html", _lost_context(request, case))


@login_required
@require_http_methods(["GET", "POST"])
def lost_create(request: HttpRequest, member_pk: int) -> HttpResponse:
    member = _member_for(request, member_pk)
    form = LostForm(request.POST or None)
    done = submit_action(
        request, form, lambda data: actions.record_lost_contact(member, actor=request.user, **data),
        message=f"已登记{member.name}失联", then=lambda case: redirect("transfers:lost_detail", pk=case.pk),
    )
    return done or render(request, "transfers/lost_form.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def lost_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """查找情况 and a later last contact, while the member is not yet suspended."""
    case = _case_for(request, pk, "change")
    if request.method == "POST":
        form = LostForm(request.POST)
    else:
        form = LostForm(initial={"last_contact_on": case.last_contact_on, "search_notes": case.search_notes})
    done = submit_action(
        request, form, lambda data: actions.update_lost_contact(case, actor=request.user, **data),
        message="失联登记已保存", then=lambda _: redirect("transfers:lost_detail", pk=case.pk),
    )
    return done or render(request, "transfers/lost_form.html", {"form": form, "member": case.member, "case": case})


def _case_action(request: HttpRequest, pk: int, form_class: type[Form], key: str,
                 run: Callable[[LostContact, dict[str, Any]], Any], done: str) -> HttpResponse:
    case = _case_for(request, pk, "change")
    return _submit(request, case, form_class, run, done, "transfers:lost_detail", lambda form: render(
        request, "transfers/lost_detail.html", _lost_context(request, case, **{key: form}), status=400))


@login_required
@require_POST
def lost_found(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(request, pk, FoundForm, "found_form",
                        lambda c, d: actions.record_contact_restored(c, actor=request.user, found_on=d["found_on"],
                                                                     note=d["note"]),
                        "已登记与{name}恢复联系")


@login_required
@require_POST
def lost_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(request, pk, DecisionForm, "suspend_form",
                        lambda c, d: actions.suspend_lost_member(c, actor=request.user, date=d["date"],
                                                                 doc_no=d["doc_no"], reason=d["reason"]),
                        "已记录{name}停止党籍的决定")


# --- 停止党籍 → 除名 ---------------------------------------------------------------------------------------------

SUSPENDED_HEADER = ["姓名", "所在党支部", "停止党籍日期", "已满期限可除名", "失联登记"]


@login_required
@require_GET
@refuses_long_search
def suspended_list(request: HttpRequest) -> HttpResponse:
    """停止党籍党员, those suspended for two years or more (candidates for 除名) flagged."""
    require_some_subtree(request.user)
    cut = _cut()
    f = SuspendedFilter(request.GET, queryset=suspended_for(request.user, cut), user=request.user)
    qs, filtered = _list_page(request, f)
    if request.GET.get("export") == "xlsx":
        rows = [[m.name, m.org.name, m.suspended_on, "是" if m.removal_due else "", "有" if m.lost_case else ""]
                for m in qs.defer("id_card_cipher", "phone_cipher")]
        return _export(request, "停止党籍党员", "停止党籍党员", SUSPENDED_HEADER, rows, "suspended", lambda: len(rows))
    page = paginate(request, qs.defer("id_card_cipher", "phone_cipher"))
    entries = [(m, rules.removal_due(m.suspended_on, cut.suspension_years) if m.suspended_on else None) for m in page]
    return render(request, "transfers/suspended_list.html", {
        "filter": f, "page": page, "rows": entries, "filtered": filtered, "years": cut.suspension_years,
    })


@login_required
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, member_pk: int) -> HttpResponse:
    """除名 of a member suspended for two years or more who still cannot be reached (自行脱党, 第二十四条)."""
    member = _member_for(request, member_pk)
    cut = _cut()
    suspension = actions.current_suspension(member)
    form = DecisionForm(request.POST or None, initial={"date": timezone.localdate()})
    done = submit_action(
        request, form,
        lambda data: actions.remove_lapsed_member(member, actor=request.user, date=data["date"],
                                                  doc_no=data["doc_no"], reason=data["reason"]),
        message=f"已记录{member.name}按照自行脱党予以除名的决定", then=lambda _: redirect("members:detail", pk=member.pk),
    )
    return done or render(request, "transfers/remove.html", {
        "form": form, "member": member, "suspension": suspension, "years": cut.suspension_years,
        "due": rules.removal_due(suspension.date, cut.suspension_years) if suspension else None,
        "rule": rule_registry.REGISTRY[rules.SUSPENSION_YEARS],
    })


urlpatterns = [
    path("", transfer_list, name="list"),
    path("<int:pk>/", transfer_detail, name="detail"),
    path("<int:pk>/accept/", accept, name="accept"),
    path("<int:pk>/return/", return_, name="return"),
    path("<int:pk>/cancel/", cancel, name="cancel"),
    path("<int:pk>/receipt/", receipt, name="receipt"),
    path("new/<int:member_pk>/", request_transfer, name="create"),
    path("out/<int:member_pk>/", issue_out, name="create_out"),
    path("receive/", receive, name="receive"),
    path("branches/", branch_search, name="branches"),
    path("floating/", floating_list, name="floating_list"),
    path("floating/new/<int:member_pk>/", floating_create, name="floating_create"),
    path("floating/<int:pk>/", floating_detail, name="floating_detail"),
    path("floating/<int:pk>/edit/", floating_edit, name="floating_edit"),
    path("floating/<int:pk>/end/", floating_end, name="floating_end"),
    path("floating/<int:pk>/reveal/", floating_reveal, name="floating_reveal"),
    path("lost/", lost_list, name="lost_list"),
    path("lost/new/<int:member_pk>/", lost_create, name="lost_create"),
    path("lost/<int:pk>/", lost_detail, name="lost_detail"),
    path("lost/<int:pk>/edit/", lost_edit, name="lost_edit"),
    path("lost/<int:pk>/found/", lost_found, name="lost_found"),
    path("lost/<int:pk>/suspend/", lost_suspend, name="lost_suspend"),
    path("suspended/", suspended_list, name="suspended_list"),
    path("suspended/<int:member_pk>/remove/", remove, name="remove"),
]


# --- the member's page ------------------------------------------------------------------------------------------


def member_section(member: Member, user: Any) -> dict[str, Any]:
    """What templates/transfers/member_section.html shows on a member's page: their transfers, 外出 records and
    失联 cases as the user may see them, and the links to start one where the user may change the member."""
    cut = Cutoffs.on(timezone.localdate())
    may_change = scope_for(user).covers(member.org.path, "change")
    transfers = list(with_receipt_late(transfers_for(user), cut).filter(member=member).order_by("-issued_on", "-id")[:20])
    floating = list(floating_for(user, cut).filter(member=member).order_by("-left_on", "-id")[:20])
    lost: list[Any] = list(lost_for(user, cut).filter(member=member).order_by("-last_contact_on", "-id")[:20])
    open_transfer = any(t.is_open for t in transfers)
    return {
        "transfers_member": member,
        "member_transfers": transfers,
        "member_floating": floating,
        "member_lost": lost,
        "lost_stages": LostStage,
        "can_start_transfer": may_change and member.on_roll and not open_transfer,
        "can_record_floating": may_change and member.state == "active" and not any(r.is_open for r in floating),
        "can_record_lost": may_change and member.on_roll and not any(c.is_open for c in lost),
        "can_remove": may_change and any(c.stage == LostStage.REMOVE_DUE for c in lost),
    }
