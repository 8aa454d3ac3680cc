"""发展党员 measures: steps recorded against the rules (the warnings kept with each step) and applicants whose next
step is overdue, per org; per member, the day the probation ends. One query each, whatever the number of orgs. Discovered by `dangjian.core.measures`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils import timezone

from dangjian.core.measures import MEMBER, PeriodNotSupported, register
from dangjian.lib.periods import CUSTOM, HALF, MONTH, QUARTER, YEAR, Period
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.recruitment import probation, rules
from dangjian.recruitment.models import OPEN_STATUSES, Applicant, Step

_ALL = (YEAR, HALF, QUARTER, MONTH, CUSTOM)


@register(
    "recruitment.rules.breaches", label="发展党员违规提示", unit="项", higher_is_better=False, periods=_ALL,
    rules=(rules.TALK_MONTHS, rules.ASSESSMENT_MONTHS, rules.ACTIVIST_MIN_YEARS, rules.TRAINING_MIN_DAYS,
           rules.TRAINING_MIN_HOURS, rules.APPROVAL_MONTHS, rules.APPROVAL_MAX_MONTHS),
    description="期间内登记的发展步骤中带有规则提示（谈话超期、考察间隔过长、培训不足、审批超期等）的步数，按入党申请人所在党组织统计。",
)
def breaches(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    """{org id: steps dated in `period` recorded with a rule warning} for the orgs that have any."""
    return dict(
        Step.objects.filter(applicant__org__in=orgs.values("pk"), date__gte=period.start, date__lte=period.end)
        .exclude(flags=[]).values("applicant__org_id").annotate(n=Count("id"))
        .values_list("applicant__org_id", "n").order_by()
    )


@register(
    "recruitment.steps.overdue", label="发展步骤逾期", unit="人", higher_is_better=False, periods=_ALL,
    rules=(rules.TALK_MONTHS, rules.ASSESSMENT_MONTHS, rules.APPROVAL_MONTHS),
    description="下一步骤已过到期日的在办入党申请人人数（按今天的进度，只能看含今天的期间）。",
)
def steps_overdue(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    """{org id: open applicants whose next step is past due today}."""
    today = timezone.localdate()
    if not period.contains(today):
        raise PeriodNotSupported(f"“发展步骤逾期”按今天的进度计算，只能按含今天的期间查看，不能按{period.label}")
    return dict(
        Applicant.objects.filter(org__in=orgs.values("pk"), status__in=OPEN_STATUSES, next_step__isnull=False,
                                 due_on__lt=today)
        .values("org_id").annotate(n=Count("id")).values_list("org_id", "n").order_by()
    )


@register(
    "recruitment.probation.ends_on", label="预备期届满日期", unit="日期", subject=MEMBER, higher_is_better=None,
    periods=_ALL, future=True, rules=(rules.EXTENSION_MIN_MONTHS,),
    description="预备党员预备期届满之日：入党（支部大会通过）满一年（党章第七条），加上截至期间最后一天上级党委批准延长的"
                "预备期（发展党员工作细则第三十二条）。首页的预备期届满名单和发展党员名单据此显示。",
)
def probation_ends_on(members: QuerySet[Member], period: Period) -> dict[int, dt.date]:
    """{member id: the last day of the probation} for the 预备党员 among `members`."""
    return probation.ends_on_by_member(members, period.end, rules.load(period.end))
