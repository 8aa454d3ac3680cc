"""党费 pages: the remittance summary (main page, drill-down by level), the branch's monthly collection sheet
where the secretary ticks who paid (fit for a phone), the arrears list, a member's statement with payment and
relief forms, and the base-setting sheet with yearly re-basing. Each has an Excel export (audited).

Views parse input, call dangjian.dues.actions or read through dangjian.dues.ledgers, and render. What a user may
reach comes from `get_for_user` / `visible_to` (404 for missing and forbidden alike); changes need the "change"
scope, which the actions check.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core import audit
from dangjian.core.exports import Money, xlsx_response
from dangjian.core.forms import apply_action_errors, submit_action
from dangjian.core.pagination import paginate
from dangjian.core.scoping import get_for_user, scope_for
from dangjian.dues import actions, calc, ledgers, remittance
from dangjian.dues.choices import Basis, PaymentMethod
from dangjian.dues.forms import BaseRowForm, MonthField, PaymentForm, ReliefForm
from dangjian.dues.measures import arrears_of, months_behind
from dangjian.members.choices import ON_ROLL_STATES, PersonCategory
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.queries import default_root, get_org_for_user


def _month(request: HttpRequest, today: dt.date) -> dt.date:
    return calc.parse_month(request.GET.get("month", "")) or calc.month_start(today)


def _root(request: HttpRequest) -> Organization:
    """The org named by ?org= (within the view scope), else the user's first view root; 404 without one."""
    user: Any = request.user
    raw = request.GET.get("org") or request.POST.get("org")
    if raw:
        return get_org_for_user(user, raw)
    root = default_root(user)
    if root is None:
        raise Http404("没有可查看的党组织")
    return root


def _export(request: HttpRequest, org: Organization, what: str, filename: str, header: list[str],
            rows: list[list[Any]]) -> HttpResponse:
    audit.record("dues.export", actor=request.user, obj=org, org=org, changes={"what": what, "rows": len(rows)})
    return xlsx_response(filename, what[:31], header, rows)


# --- the main page: remittance summary -------------------------------------------------------------------------


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    """上缴汇总: the month's due, collected and arrears for each org one level down, over its subtree."""
    user: Any = request.user
    if not scope_for(user).view_roots:
        own = scope_for(user).own_member_id
        if own is not None:
            return redirect("dues:statement", pk=own)
        raise Http404("没有可查看的党组织")
    today = timezone.localdate()
    root = _root(request)
    month = _month(request, today)
    config = calc.load_config(today)
    result = remittance.summary(user, root, month, today, config)
    if request.GET.get("format") == "xlsx":
        rows = [[r.org.name, r.members, r.based, Money(r.due), r.paid_count, Money(r.collected), r.rate, r.warned,
                 r.flagged] for r in [*result.rows, result.total]]
        rows[-1][0] = f"合计（{root.name}）"
        return _export(request, root, "党费上缴汇总", f"党费上缴汇总-{root.name}-{month:%Y-%m}.xlsx",
                       ["党组织", "在册党员", "已设基数", "应交（元）", "已交人数", "实交（元）", "收缴率", "欠缴3个月以上",
                        "连续欠缴6个月"], rows)
    ancestors = list(Organization.objects.visible_to(user).filter(path__in=root.ancestor_paths()).order_by("path"))
    return render(request, "dues/summary.html", {
        "root": root, "month": month, "result": result, "ancestors": ancestors, "config": config,
        "prev": calc.add_months(month, -1), "next": calc.add_months(month, 1),
    })


# --- the branch's collection sheet ------------------------------------------------------------------------------


def _branch(request: HttpRequest, pk: int) -> Organization:
    orgs: Any = Organization.objects.get_queryset()
    org = get_for_user(orgs, request.user, "view", pk=pk)
    if org.kind != OrgKind.BRANCH:
        raise Http404("只有党支部有党费收缴表")
    return org


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """收缴表: one month of a branch; the secretary ticks who paid and saves (each tick records the due)."""
    user: Any = request.user
    org = _branch(request, pk)
    today = timezone.localdate()
    month = calc.parse_month(request.POST.get("month", "")) if request.method == "POST" else _month(request, today)
    month = month or calc.month_start(today)
    can_change = scope_for(user).covers(org.path, "change")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("paid") if i.isdigit()]
        try:
            made = actions.collect(actor=user, org=org, month=month, member_ids=ids)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, f"已登记{len(made)}人{calc.month_label(month)}的党费")
            return redirect(f"{reverse('dues:sheet', args=[org.pk])}?month={month:%Y-%m}")
    data = ledgers.branch_sheet(org, month, months_behind(org, today))
    if request.GET.get("format") == "xlsx":
        rows = [[r.member.name, PersonCategory(r.member.person_category).label,
                 Basis(r.base.basis).label if r.base else "未设基数", Money(r.base.income if r.base else None),
                 Money(r.due), "已交" if r.paid else ("免交" if r.exempt else "未交"),
                 Money(r.payment.amount if r.payment else None), r.payment.paid_on if r.payment else "",
                 r.payment.get_method_display() if r.payment else "", r.arrears or ""] for r in data.rows]
        rows.append(["合计", "", "", "", Money(data.due_total), f"已交{data.paid_count}人", Money(data.paid_total),
                     "", "", ""])
        return _export(request, org, "党费收缴表", f"党费收缴表-{org.name}-{month:%Y-%m}.xlsx",
                       ["姓名", "人员类别", "计算方式", "计算基数", "应交（元）", "状态", "实交（元）", "交纳日期", "方式",
                        "连续欠缴（月）"], rows)
    return render(request, "dues/sheet.html", {
        "org": org, "month": month, "sheet": data, "can_change": can_change, "errors": errors,
        "prev": calc.add_months(month, -1), "next": calc.add_months(month, 1),
        "error_ids": {int(k) for k in errors if k.isdigit()},
    })


# --- arrears -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def arrears(request: HttpRequest) -> HttpResponse:
    """欠缴名单: members of the subtree 3 or more months behind today, those at 6 flagged, paginated."""
    user: Any = request.user
    root = _root(request)
    today = timezone.localdate()
    config = calc.load_config(today)
    queryset = ledgers.arrears_rows(root.path, today, config).filter(
        member__in=Member.objects.visible_to(user).values("pk"))
    if request.GET.get("level") == "flagged":
        queryset = queryset.filter(ledgers.arrears_q(today, config.flag_months))
    if request.GET.get("format") == "xlsx":
        described = arrears_of(list(queryset[:50000]), today)
        return _export(request, root, "党费欠缴名单", f"党费欠缴名单-{root.name}-{today:%Y-%m-%d}.xlsx",
                       ["姓名", "所在党支部", "连续欠缴（月）", "最后交纳月份", "状态"],
                       [[r.member.name, r.member.org.name, r.months,
                         calc.month_label(r.last_paid) if r.last_paid else "", r.level_label] for r in described])
    page = paginate(request, queryset)
    rows = arrears_of(list(page), today)
    return render(request, "dues/arrears.html", {
        "root": root, "page": page, "rows": rows, "config": config, "today": today,
        "level": request.GET.get("level", ""),
    })


# --- a member's statement, payments and reliefs --------------------------------------------------------------------


def _member(request: HttpRequest, pk: int, action: str = "view") -> Member:
    members: Any = Member.objects.select_related("org")
    return get_for_user(members, request.user, action, pk=pk)


def _payable_months(member: Member, today: dt.date, config: calc.Config) -> list[dt.date]:
    """Months a payment recorded today may be for, from the 入党 month, not yet paid."""
    lo, hi = calc.payment_window(today, config)
    lo = max(lo, calc.month_start(member.joined_on))
    paid = ledgers.paid_months(member.pk, lo, hi)
    months, m = [], lo
    while m <= hi:
        if m not in paid:
            months.append(m)
        m = calc.add_months(m, 1)
    return months


@login_required
@require_http_methods(["GET", "POST"])
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """个人党费明细 for a year, with 登记交纳 (one or several months) for those who may change the branch."""
    user: Any = request.user
    member = _member(request, pk)
    today = timezone.localdate()
    config = calc.load_config(today)
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 1950), today.year + 1)
    can_change = member.state in ON_ROLL_STATES and scope_for(user).covers(member.org.path, "change")
    self_service = member.state in ON_ROLL_STATES and not can_change and actions.is_self_service(user, member)
    form = None
    if can_change or self_service:
        form = PaymentForm(request.POST or None, months=_payable_months(member, today, config),
                           initial={"paid_on": today, "months": [f"{today:%Y-%m}"]}, self_service=self_service)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                actions.record_payments(actor=user, member=member, months=d["months"], amount=d["amount"] or None,
                                        reason=d["reason"], paid_on=d["paid_on"],
                                        method=PaymentMethod.SELF if self_service else d["method"])
            except ValidationError as exc:
                apply_action_errors(form, exc)
            else:
                messages.success(request, "交纳记录已保存")
                return redirect("dues:statement", pk=member.pk)
    elif request.method == "POST":
        raise Http404("未找到该记录")
    rows = ledgers.statement(member, year, today)
    if request.GET.get("format") == "xlsx":
        return _export(request, member.org, "个人党费明细", f"党费明细-{member.name}-{year}.xlsx",
                       ["月份", "计算方式", "计算基数", "比例", "应交（元）", "状态", "实交（元）", "交纳日期", "方式", "说明"],
                       [[calc.month_label(r.month), Basis(r.base.basis).label if r.base else "",
                         Money(r.base.income if r.base else None), r.base.rate if r.base and r.base.rate else "",
                         Money(r.due), r.status, Money(r.payment.amount if r.payment else None),
                         r.payment.paid_on if r.payment else "", r.payment.get_method_display() if r.payment else "",
                         r.payment.reason if r.payment else ""] for r in rows])
    bases, reliefs = ledgers.history(member.pk)
    large = any(r.payment is not None and r.payment.amount - r.payment.due >= config.large_voluntary for r in rows)
    return render(request, "dues/statement.html", {
        "member": member, "year": year, "rows": rows, "form": form, "can_change": can_change, "bases": bases,
        "self_service": self_service,
        "reliefs": reliefs, "large": large, "config": config,
        "total_due": sum((r.due for r in rows if r.due is not None and r.owed), Decimal("0.00")),
        "total_paid": sum((r.payment.amount for r in rows if r.payment), Decimal("0.00")),
    })


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    own = scope_for(request.user).own_member_id
    if own is None:
        raise Http404("您的账号没有关联党员档案")
    return redirect("dues:statement", pk=own)


@login_required
@require_http_methods(["GET", "POST"])
def relief(request: HttpRequest, pk: int) -> HttpResponse:
    """登记少交或免交 (经党支部研究，报上一级党委批准)."""
    member = _member(request, pk, "change")
    form = ReliefForm(request.POST or None)
    done = submit_action(
        request, form, lambda data: actions.grant_relief(actor=request.user, member=member, data=data),
        message="少交、免交已登记", then=lambda _: redirect("dues:statement", pk=member.pk),
    )
    return done or render(request, "dues/relief.html", {"member": member, "form": form})


# --- bases: setting and yearly re-basing --------------------------------------------------------------------------


class RebaseForm(Form):
    month_from = MonthField(label="新基数起始月份", help_text="每年核定一般从1月起；工资变化从按新工资标准领取的当月起")


@login_required
@require_http_methods(["GET", "POST"])
def bases(request: HttpRequest, pk: int) -> HttpResponse:
    """党费基数: each member's current base; enter new figures for some or all and save them from one month
    (每年核定, or a mid-year change). All or nothing; errors on the members' rows."""
    user: Any = request.user
    org = _branch(request, pk)
    today = timezone.localdate()
    month = _month(request, today)
    can_change = scope_for(user).covers(org.path, "change")
    members = ledgers.branch_roll(org)
    current = {b.member_id: b for b in ledgers.current_bases(org.path).filter(member__org=org)}
    data = request.POST if request.method == "POST" and can_change else None
    if request.method == "POST" and not can_change:
        raise Http404("未找到该记录")
    head = RebaseForm(data, initial={"month_from": f"{dt.date(today.year, 1, 1):%Y-%m}"})
    rows = [(m, current.get(m.pk), BaseRowForm(data, prefix=f"m{m.pk}", member=m, initial={
        "quarterly": current[m.pk].quarterly if m.pk in current else False})) for m in members]
    if data is not None and head.is_valid() and all(f.is_valid() for _, _, f in rows):
        entries = [e for _, _, f in rows if (e := f.entry()) is not None]
        if not entries:
            head.add_error(None, "没有填写任何党员的新基数")
        else:
            try:
                actions.rebase_branch(actor=user, org=org, month_from=head.cleaned_data["month_from"], entries=entries)
            except ValidationError as exc:
                by_member = {f.member.pk: f for _, _, f in rows}
                for key, msgs in exc.message_dict.items():
                    member_id, _, field = key.partition(".")
                    target = by_member.get(int(member_id)) if member_id.isdigit() else None
                    for msg in msgs:
                        if target is not None:
                            target.add_error(field if field in target.fields else None, msg)
                        else:
                            head.add_error(None, msg)
            else:
                messages.success(request, f"已保存{len(entries)}名党员的新基数")
                return redirect("dues:bases", pk=org.pk)
    return render(request, "dues/bases.html", {
        "org": org, "rows": rows, "head": head, "can_change": can_change, "month": month,
    })


urlpatterns = [
    path("", summary, name="summary"),
    path("arrears/", arrears, name="arrears"),
    path("mine/", mine, name="mine"),
    path("branch/<int:pk>/", sheet, name="sheet"),
    path("branch/<int:pk>/bases/", bases, name="bases"),
    path("member/<int:pk>/", statement, name="statement"),
    path("member/<int:pk>/relief/", relief, name="relief"),
]
