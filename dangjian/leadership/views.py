"""班子 and 换届 pages: the 换届 board over the user's subtree, one org's 班子 page, and the forms of the actions.

Views only parse input, call one action (dangjian.leadership.actions) or query and render. What a user may
reach comes from `get_for_user` (orgs) and the scoped lookups of leadership.queries (terms, holdings); what they
may do follows the actions' rules: "change" for posts and steps (a 支部书记 keeps their own branch's records),
"structure" for opening and adjusting a 届 (the higher organisation's 党务管理员). Others get 404 on the forms,
GET or POST.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.dbrouter import reads_from_replica
from dangjian.core.exports import xlsx_response
from dangjian.core.forms import submit_action
from dangjian.core.pagination import paginate
from dangjian.core.scoping import get_for_user, scope_for
from dangjian.leadership import actions, queries
from dangjian.leadership.forms import (
    AdjustTermForm,
    AppointForm,
    ElectionResultForm,
    EndPostForm,
    OpenTermForm,
    StepForm,
)
from dangjian.lib.dates import add_years, cn_date
from dangjian.orgs.models import Organization, OrgKind


def _orgs() -> Any:
    """The unfiltered org queryset, for get_for_user (which applies the scope itself)."""
    return Organization.objects.get_queryset()


def _tab(request: HttpRequest) -> str:
    """The board tab asked for; anything unknown is the full list."""
    tab = request.GET.get("tab", "")
    return tab if tab in {code for code, _label in queries.BOARD_TABS} else ""


def _require_board(request: HttpRequest) -> None:
    """The board is for users who see some org: not the 三员, not an account without any role."""
    scope = scope_for(request.user)
    if scope.system_roles or not (scope.view_roots or scope.own_org_id):
        raise Http404("未找到该页面")


@login_required
@require_GET
@reads_from_replica
def board(request: HttpRequest) -> HttpResponse:
    """换届 board: every org of the user's subtree with its current 届, by tab (due soon, overdue, adjusted,
    done this year, not recorded). Rows, page count and tab counts are three queries whatever the subtree's size."""
    _require_board(request)
    tab = _tab(request)
    ctx = queries.board_context(timezone.localdate())
    page = paginate(request, queries.board_rows(request.user, ctx, tab))
    counts = queries.board_counts(request.user, ctx)
    rows = []
    for org in page:
        state = queries.row_state(org, ctx)
        rows.append({"org": org, "state": state, "badge": queries.STATE_BADGES[state]})
    tabs = [{"code": code, "label": label, "count": counts[code or "all"]} for code, label in queries.BOARD_TABS]
    return render(request, "leadership/board.html", {
        "page": page, "rows": rows, "tabs": tabs, "tab": tab, "today": ctx.today,
        "reminder_months": ctx.reminder_months,
    })


@login_required
@require_GET
@reads_from_replica
def board_export(request: HttpRequest) -> HttpResponse:
    """The board's current tab as an Excel sheet (names, dates and states only: no personal data)."""
    _require_board(request)
    tab = _tab(request)
    ctx = queries.board_context(timezone.localdate())
    header = ["党组织", "组织类型", "上级党组织", "届次", "任期开始", "原定届满", "调整后届满", "状态", "书记"]

    def rows() -> Any:
        for org in queries.board_rows(request.user, ctx, tab).iterator(chunk_size=500):
            yield [
                org.name, org.get_kind_display(), org.parent.name if org.parent else "",
                f"第{org.term_number}届" if org.term_number else "", org.term_starts_on, org.term_planned_end,
                org.term_adjusted_end, queries.row_state(org, ctx), org.secretary_name or "",
            ]

    return xlsx_response(f"换届情况{ctx.today:%Y%m%d}.xlsx", "换届情况", header, rows())


@login_required
@require_GET
def org_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One org's 班子 and 届次: posts in office, vacancies and warnings, every 届 with its steps, and the forms
    the user may use. A plain 党员 sees their own branch's page, read-only."""
    scope = scope_for(request.user)
    org = get_for_user(_orgs(), request.user, "view", pk=pk)
    data = queries.org_leadership(org, timezone.localdate())
    has_terms = org.kind != OrgKind.GROUP
    return render(request, "leadership/org.html", {
        "org": org, "data": data, "has_terms": has_terms,
        "can_change": org.is_active and scope.covers(org.path, "change"),
        "can_structure": org.is_active and has_terms and scope.covers(org.path, "structure"),
        "badges": queries.STATE_BADGES,
    })


def _form_page(
    request: HttpRequest, org: Organization, form: BaseForm, run: Callable[[dict[str, Any]], str], *,
    title: str, submit: str, hint: str = "", rename: dict[str, str] | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST runs the action (`run` returns the success message) and goes back to
    the org's 班子 page; an action's refusal lands on the form's fields."""
    done = submit_action(request, form, run, message=lambda text: text,
                         then=lambda _: redirect("orgs:leadership_org", pk=org.pk), rename=rename)
    return done or render(request, "leadership/form.html", {
        "org": org, "form": form, "title": title, "submit": submit, "hint": hint,
    })


@login_required
@require_http_methods(["GET", "POST"])
def term_new(request: HttpRequest, pk: int) -> HttpResponse:
    """新建届次 (needs "structure"): the previous 届 is closed and its posts end on the new start."""
    org = get_for_user(_orgs(), request.user, "structure", pk=pk)
    data = queries.org_leadership(org, timezone.localdate())
    form = OpenTermForm(request.POST or None, initial={"number": data.next_number})

    def run(cd: dict[str, Any]) -> str:
        term = actions.open_term(org, actor=request.user, number=cd["number"], starts_on=cd["starts_on"],
                                    doc_no=cd["doc_no"])
        return f"已录入第{term.number}届，任期至{cn_date(term.planned_end)}"

    hint = "录入新一届后，上一届自动结束（换届日期为本届开始日期），上一届仍在任的班子成员同日离任。"
    return _form_page(request, org, form, run, title=f"“{org.name}”新建届次", submit="录入", hint=hint)


@login_required
@require_http_methods(["GET", "POST"])
def appoint(request: HttpRequest, pk: int) -> HttpResponse:
    """任职 (needs "change"): members offered are those the action accepts for this org."""
    org = get_for_user(_orgs(), request.user, "change", pk=pk)
    form = AppointForm(request.POST or None, members=queries.members_for_post(request.user, org),
                       within=queries.post_member_root(org), posts=queries.posts_for(org))

    def run(cd: dict[str, Any]) -> str:
        holding = actions.appoint(org, actor=request.user, member=cd["member"], post=cd["post"],
                                     starts_on=cd["starts_on"], doc_no=cd["doc_no"])
        for warning in queries.appointment_warnings(holding, timezone.localdate()):
            messages.warning(request, f"请注意：{warning}（支部工作条例第二十三条：一般应当具有1年以上党龄）")
        return f"{holding.member.name}已任{holding.get_post_display()}"

    return _form_page(request, org, form, run, title=f"“{org.name}”班子成员任职", submit="任职")


@login_required
@require_http_methods(["GET", "POST"])
def end_post(request: HttpRequest, pk: int) -> HttpResponse:
    """离任 (needs "change" on the holding's org)."""
    holding = queries.get_holding_for_user(request.user, pk, "change")
    form = EndPostForm(request.POST or None)

    def run(cd: dict[str, Any]) -> str:
        actions.end_post(holding, actor=request.user, ends_on=cd["ends_on"], reason=cd["reason"])
        return f"{holding.member.name}已离任{holding.get_post_display()}"

    return _form_page(request, holding.org, form, run, submit="离任",
                      title=f"{holding.member.name}离任{holding.get_post_display()}")


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, pk: int) -> HttpResponse:
    """记录换届步骤 (needs "change"): steps in procedure and date order."""
    term = queries.get_term_for_user(request.user, pk, "change")
    form = StepForm(request.POST or None, meetings=queries.meetings_for_step(request.user, term))

    def run(cd: dict[str, Any]) -> str:
        done = actions.record_step(term, actor=request.user, kind=cd["kind"], date=cd["date"],
                                      doc_no=cd["doc_no"], meeting=cd["meeting"], note=cd["note"])
        return f"已记录“{done.get_kind_display()}”"

    return _form_page(request, term.org, form, run, title=f"{term}：记录换届步骤", submit="记录",
                      hint="步骤依次为：提醒换届、换届请示、上级批复、召开大会选举、选举结果报批/备案、上级批准；可跳过未办理的步骤，但不能倒序。")


@login_required
@require_http_methods(["GET", "POST"])
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    """调整届满日期 (needs "structure"): an approved extension or advance of at most the rule's limit."""
    term = queries.get_term_for_user(request.user, pk, "structure")
    form = AdjustTermForm(request.POST or None)

    def run(cd: dict[str, Any]) -> str:
        done = actions.adjust_term(term, actor=request.user, kind=cd["kind"], new_end=cd["new_end"],
                                      doc_no=cd["doc_no"], date=cd["date"], note=cd["note"])
        end = done.due_on
        return f"{done}届满日期已调整为{cn_date(end)}"

    end = term.planned_end
    return _form_page(request, term.org, form, run, title=f"{term}：调整届满日期", submit="调整",
                      hint=f"原定届满日期：{cn_date(end)}。延长或提前期限一般不超过1年，须经上级党组织批准。")



@login_required
@require_http_methods(["GET", "POST"])
def election(request: HttpRequest, pk: int) -> HttpResponse:
    """录入换届选举结果 (needs "structure", as a new 届 does): the counts and each candidate's votes; the action
    checks them with lib/votes, opens the new 届 and puts the elected in office."""
    org = get_for_user(_orgs(), request.user, "structure", pk=pk)
    if org.kind == OrgKind.GROUP:
        raise Http404("党小组不进行换届选举")
    today = timezone.localdate()
    data = queries.org_leadership(org, today)
    form = ElectionResultForm(
        request.POST or None, meetings=queries.meetings_for_org(request.user, org, since=add_years(today, -1)),
        initial={"number": data.next_number, "eligible": actions.voters_on(org, today), "seats": None,
                 "mode": "committee" if org.kind != OrgKind.BRANCH or data.in_office else "secretary"},
    )

    def run(cd: dict[str, Any]) -> str:
        resolved, problems = queries.resolve_candidates(request.user, org, cd["candidates"])
        if problems:
            raise ValidationError({"candidates": problems})
        result = actions.record_election(
            org, actor=request.user, held_on=cd["held_on"], mode=cd["mode"], seats=cd["seats"],
            eligible=cd["eligible"], excluded=cd["excluded"], exclusion_basis=cd["exclusion_basis"],
            exclusion_doc_no=cd["exclusion_doc_no"], present=cd["present"], number=cd["number"],
            doc_no=cd["doc_no"], meeting=cd["meeting"],
            candidates=[actions.CandidateInput(member=m, votes=line.votes, post=line.post) for line, m in resolved],
        )
        names = "、".join(c.member.name for c in result.candidates.all() if c.elected)
        more = f"；尚有{result.unfilled}个名额需另行选举" if result.unfilled else ""
        return f"第{result.term.number}届选举结果已录入，当选：{names}{more}"

    return _form_page(request, org, form, run, title=f"“{org.name}”录入换届选举结果", submit="录入选举结果",
                      hint="到会人数须超过应到会人数（有选举权的党员减去经批准不列入的人数）的五分之四，选举有效；"
                           "委员候选人须差额选举；赞成票超过半数的候选人按得票多少当选。新一届自动开始，上一届同日结束。",
                      rename={"starts_on": "held_on", "member": "candidates", "post": "candidates"})
