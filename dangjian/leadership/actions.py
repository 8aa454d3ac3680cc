"""班子 and 换届 actions: `open_term`, `appoint`, `end_post`, `record_step`, `adjust_term`, `record_election`. Each validates, checks
scope, writes and audits inside one transaction; views, API and tests all call them. The audit action codes keep
the "orgs." prefix they have always been stored under.

Who may do what (decided here, shown on the pages alike):
- 班子 (appoint, end a post) and 换届 steps need the "change" scope on the org: a 支部书记 or 组织委员 keeps their
  own branch's committee and procedure records; 上级查看 reads only.
- Opening a 届 and adjusting its end need the "structure" scope (党务管理员 of a higher org): a new 届 and an
  extension or advance exist only once the higher organisation has approved them (选举工作条例 第三条).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.scoping import require, subtree_q
from dangjian.core.validation import Errors
from dangjian.leadership import rules
from dangjian.leadership.models import (
    COMMITTEE_POSTS,
    ElectionCandidate,
    ElectionMode,
    ElectionResult,
    ElectionStep,
    ElectionStepKind,
    Post,
    PostHolding,
    Term,
)
from dangjian.lib.dates import add_years, cn_date
from dangjian.lib.votes import elected, election_quorum, minimum_candidates
from dangjian.members.choices import MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

if TYPE_CHECKING:
    from dangjian.orglife.models import Meeting


def _not_after_today(day: dt.date, field_name: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field_name: [f"{label}不能晚于今天"]})


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
    years = rules.term_years(org.kind, rules.values_in_force(starts_on))
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
        max_deputies = int(rules.values_in_force(starts_on)[rules.MAX_DEPUTY_SECRETARIES])
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

    Steps follow rules.PROCEDURE: a step may be skipped (not every reminder is recorded) but never recorded after a
    later one, and none is dated before the previous step or before the 届 began. The election step may point at
    its meeting, which must be the org's own and held that day. Needs the "change" scope.
    """
    term = Term.objects.select_for_update().select_related("org").get(pk=term.pk)
    require(actor, term.org.path, "change", term.org)
    if kind in rules.ADJUSTMENTS:
        raise ValidationError({"kind": ["延期或提前换届请通过“调整届满日期”办理"]})
    if kind not in rules.PROCEDURE:
        raise ValidationError({"kind": ["请选择换届步骤"]})
    _not_after_today(date, "date", "日期")
    if date < term.starts_on:
        raise ValidationError({"date": ["日期不能早于本届任期开始"]})
    done = list(term.steps.filter(kind__in=rules.PROCEDURE))
    last = max(done, key=lambda s: (rules.PROCEDURE.index(s.kind), s.date), default=None)
    label = ElectionStepKind(kind).label
    if last is not None:
        if rules.PROCEDURE.index(kind) <= rules.PROCEDURE.index(last.kind):
            raise ValidationError({"kind": [
                f"已记录“{last.get_kind_display()}”，不能再记录“{label}”：换届步骤须按顺序办理"
            ]})
        if date < last.date:
            raise ValidationError({"date": [
                f"日期不能早于上一步骤“{last.get_kind_display()}”（{cn_date(last.date)}）"
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
    if kind not in rules.ADJUSTMENTS:
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
    limit = int(rules.values_in_force(day)[rules.TERM_ADJUST_MAX_MONTHS])
    if not rules.add_months(term.planned_end, -limit) <= new_end <= rules.add_months(term.planned_end, limit):
        raise ValidationError({"new_end": [f"延长或提前期限一般不超过{rules.months_label(limit)}"]})
    before = term.adjusted_end
    term.adjusted_end = new_end
    term.adjustment_doc_no = doc_no.strip()
    term.save(update_fields=["adjusted_end", "adjustment_doc_no"])
    ElectionStep.objects.create(
        term=term, kind=kind, date=day, doc_no=term.adjustment_doc_no,
        note=note.strip() or f"届满日期调整为{cn_date(new_end)}",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record("orgs.term_adjust", actor=actor, obj=term, org=term.org, changes={
        "kind": ElectionStepKind(kind).label, "adjusted_end": [before.isoformat() if before else None, new_end.isoformat()],
        "doc_no": term.adjustment_doc_no,
    })
    return term


@dataclass(frozen=True)
class CandidateInput:
    """One candidate as entered: the member, the yes votes, and the post they take if elected ("" → 委员)."""

    member: Member
    votes: int
    post: str = ""


def voters_on(org: Organization, day: dt.date) -> int:
    """有选举权的党员 of the org on `day`: members on the roll who were 正式党员 by then (选举工作条例 第五条; 预备
    党员 have no vote). A 党委 or 党总支 counts its whole subtree, a 党支部 its own members. The form's suggestion."""
    qs = Member.objects.filter(state=MemberState.ACTIVE, confirmed_on__lte=day)
    qs = qs.filter(org=org) if org.kind == OrgKind.BRANCH else qs.filter(subtree_q(org.path, "org__path"))
    return qs.count()


def _check_election_counts(
    errors: Errors, *, mode: str, seats: int, eligible: int, excluded: int, exclusion_basis: str, present: int,
    candidates: list[CandidateInput], margin_percent: int,
) -> None:
    """The numbers of an election result must add up before anything is written."""
    if mode not in ElectionMode.values:
        errors.add("mode", "请选择选举方式")
    if seats < 1:
        errors.add("seats", "应选人数须大于0")
    if eligible < 1:
        errors.add("eligible", "有选举权的党员人数须大于0")
    if excluded >= max(eligible, 1):
        errors.add("excluded", "不列入应到会的人数须少于有选举权的党员人数")
    elif excluded and not exclusion_basis.strip():
        errors.add("exclusion_basis", "有党员不列入应到会人数时，须写明情形（经上级党组织同意、党员大会通过）")
    expected = eligible - excluded
    if present > expected >= 1:
        errors.add("present", f"实到会人数（{present}）不能多于应到会人数（{expected}）")
    members = [c.member.pk for c in candidates]
    if len(set(members)) != len(members):
        errors.add("candidates", "同一党员不能重复列为候选人")
    for c in candidates:
        if c.votes > present:
            errors.add("candidates", f"{c.member.name}的赞成票（{c.votes}）不能多于实到会人数（{present}）")
    if mode == ElectionMode.COMMITTEE and seats >= 1:
        need = minimum_candidates(seats, margin_percent / 100)
        if len(candidates) < need:
            errors.add("candidates", f"差额选举：应选{seats}名，候选人应不少于{need}名（差额不少于应选人数的"
                                     f"{margin_percent}%），现有{len(candidates)}名")
    elif len(candidates) < seats:
        errors.add("candidates", f"候选人（{len(candidates)}名）少于应选人数（{seats}名）")


@audit.records_denials
@transaction.atomic
def record_election(
    org: Organization, *, actor: Any, held_on: dt.date, mode: str, seats: int, eligible: int, excluded: int,
    exclusion_basis: str, exclusion_doc_no: str, present: int, candidates: list[CandidateInput], number: int,
    doc_no: str = "", meeting: Meeting | None = None,
) -> ElectionResult:
    """A 换届选举 result, counted by lib/votes, opens the new 届 with the elected in office.

    应到会 is those with a vote less the exclusions approved by the higher organisation and the meeting (their
    basis is kept); the election is valid with more than 4/5 of 应到会 present; the candidates exceed the seats by
    the 差额 margin; a candidate is elected with yes votes above half the base the rules name (应到会 by
    default), the most votes first; seats left over are kept for a further election. The previous 届 gets its
    "召开大会选举" step when the procedure's order allows. Nothing is written when the numbers do not add up or
    the election is void. Needs the "structure" scope, as opening a 届 does.
    """
    org = Organization.objects.select_for_update().get(pk=org.pk)
    require(actor, org.path, "structure", org)
    if org.kind not in rules.TERM_YEARS_BY_KIND:
        raise ValidationError({NON_FIELD_ERRORS: ["党小组不进行换届选举"]})
    _not_after_today(held_on, "held_on", "选举日期")
    values = rules.values_in_force(held_on)
    errors = Errors()
    _check_election_counts(
        errors, mode=mode, seats=seats, eligible=eligible, excluded=excluded, exclusion_basis=exclusion_basis,
        present=present, candidates=candidates, margin_percent=int(values[rules.ELECTION_CANDIDATE_MARGIN]),
    )
    if meeting is not None and (meeting.org_id != org.pk or meeting.held_on != held_on):
        errors.add("meeting", "选举大会应为本组织在选举当天召开的会议")
    for c in candidates:
        try:
            _check_member_for_post(org, Member.objects.get(pk=c.member.pk), Post.COMMITTEE_MEMBER)
        except ValidationError as e:
            errors.add("candidates", f"{c.member.name}：{e.message_dict['member'][0]}")
    errors.raise_if_any()
    quorum = election_quorum(eligible=eligible, excluded=excluded, present=present)
    if not quorum.quorum:
        raise ValidationError({"present": quorum.reasons})
    base = rules.win_base(eligible - excluded, present, values)
    by_id = {str(c.member.pk): c for c in candidates}
    winners, unfilled = elected({k: c.votes for k, c in by_id.items()}, seats=seats, base=base)
    if not winners:
        raise ValidationError({"candidates": [f"没有候选人的赞成票超过{base}人的半数，无人当选，应另行选举"]})
    posts = [by_id[w].post or Post.COMMITTEE_MEMBER for w in winners]
    if posts.count(Post.SECRETARY) > 1:
        raise ValidationError({"candidates": ["当选人中只能有1名书记"]})
    _record_election_step(org, held_on, actor, meeting)
    term = open_term(org, actor=actor, number=number, starts_on=held_on, doc_no=doc_no)
    result = ElectionResult.objects.create(
        org=org, term=term, held_on=held_on, meeting=meeting, mode=mode, seats=seats, eligible=eligible,
        excluded=excluded, exclusion_basis=exclusion_basis.strip(), exclusion_doc_no=exclusion_doc_no.strip(),
        present=present, win_base=base, unfilled=unfilled,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ElectionCandidate.objects.bulk_create([
        ElectionCandidate(result=result, member=c.member, votes=c.votes, elected=key in winners,
                          post=(c.post or Post.COMMITTEE_MEMBER) if key in winners else "")
        for key, c in by_id.items()
    ])
    for key, post in zip(winners, posts, strict=True):
        appoint(org, actor=actor, member=by_id[key].member, post=post, starts_on=held_on, doc_no=doc_no, term=term)
    audit.record("orgs.election_result", actor=actor, obj=result, org=org, changes={
        "term": number, "held_on": held_on.isoformat(), "seats": seats, "eligible": eligible, "excluded": excluded,
        "exclusion_basis": result.exclusion_basis, "present": present, "win_base": base,
        "votes": {by_id[k].member.name: by_id[k].votes for k in by_id}, "elected": [by_id[w].member.name for w in winners],
        "unfilled": unfilled,
    })
    return result


def _record_election_step(org: Organization, held_on: dt.date, actor: Any, meeting: Meeting | None) -> None:
    """Give the ending 届 its "召开大会选举" step, unless it has one or a later step already (then the order rules
    of `record_step` would refuse it, and the result itself is the record)."""
    ending = Term.objects.filter(org=org, closed_on__isnull=True).first()
    if ending is None or held_on < ending.starts_on:
        return
    done = list(ending.steps.filter(kind__in=rules.PROCEDURE))
    at = rules.PROCEDURE.index(ElectionStepKind.ELECTED)
    if any(rules.PROCEDURE.index(s.kind) >= at or s.date > held_on for s in done):
        return
    record_step(ending, actor=actor, kind=ElectionStepKind.ELECTED, date=held_on, meeting=meeting,
                note="录入选举结果时记录")
