"""班子, 届次 and 换届: who holds which post of an org's leadership, the terms between elections, and the dated
steps of each 换届. Moved out of orgs (which stays at the bottom, importing nothing above it); the tables keep
their orgs_* names so existing databases keep their rows (migration leadership/0001, state only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.orgs.models import Organization

if TYPE_CHECKING:
    from dangjian.orglife.models import Meeting

class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    COMMITTEE_MEMBER = "committee_member", "委员"
    GROUP_LEADER = "group_leader", "党小组组长"


# Posts that make someone a member of the committee (支部委员会 / 总支委员会 / 党委).
COMMITTEE_POSTS = (Post.SECRETARY, Post.DEPUTY, Post.ORGANIZATION, Post.PROPAGANDA, Post.DISCIPLINE, Post.COMMITTEE_MEMBER)


class Term(models.Model):
    """One 届 of an org's leadership: from the election to the planned end (term length by org kind, a rule
    parameter), possibly moved by an approved extension or advance (≤ 1 year), closed by the next election."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="terms", verbose_name="党组织")
    number = models.PositiveIntegerField("届次")
    starts_on = models.DateField("任期开始")
    planned_end = models.DateField("任期届满")
    adjusted_end = models.DateField("经批准调整后的届满日期", null=True, blank=True)
    adjustment_doc_no = models.CharField("调整批复文号", max_length=100, blank=True)
    doc_no = models.CharField("选举结果批复文号", max_length=100, blank=True)
    closed_on = models.DateField("换届日期", null=True, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        db_table = "orgs_term"
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["org_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["org", "number"], name="orgs_term_unique_org_number"),
            models.UniqueConstraint(
                fields=["org"], condition=Q(closed_on__isnull=True), name="orgs_term_one_open_per_org",
                violation_error_message="该党组织已有未换届的届次",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} 第{self.number}届"

    @property
    def due_on(self):  # type: ignore[no-untyped-def]
        return self.adjusted_end or self.planned_end


class PostHolding(models.Model):
    """A member holding a leadership post of an org over dated days; the end is empty while in office."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="post_holdings", verbose_name="党组织")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, null=True, blank=True, related_name="holdings")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="posts", verbose_name="党员")
    post = models.CharField("职务", max_length=24, choices=Post.choices)
    starts_on = models.DateField("任职日期")
    ends_on = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=200, blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        db_table = "orgs_postholding"
        verbose_name = "班子成员"
        verbose_name_plural = "班子成员"
        ordering = ["org_id", "post", "-starts_on"]
        indexes = [models.Index(fields=["org", "post", "ends_on"], name="orgs_holding_org_post")]

    def __str__(self) -> str:
        return f"{self.org} {self.get_post_display()} {self.member}"


class ElectionStepKind(models.TextChoices):
    REMINDED = "reminded", "提醒换届"
    REQUESTED = "requested", "换届请示"
    APPROVED_PLAN = "approved_plan", "上级批复"
    ELECTED = "elected", "召开大会选举"
    REPORTED = "reported", "选举结果报批/备案"
    CONFIRMED = "confirmed", "上级批准"
    EXTENDED = "extended", "批准延期换届"
    ADVANCED = "advanced", "批准提前换届"


class ElectionStep(models.Model):
    """One dated step of a 换届 procedure for the term ending; the election step points at its meeting."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="steps", verbose_name="届次")
    kind = models.CharField("步骤", max_length=16, choices=ElectionStepKind.choices)
    date = models.DateField("日期")
    doc_no = models.CharField("文号", max_length=100, blank=True)
    meeting = models.ForeignKey(
        "orglife.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="选举大会"
    )
    note = models.CharField("说明", max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        db_table = "orgs_electionstep"
        verbose_name = "换届步骤"
        verbose_name_plural = "换届步骤"
        ordering = ["term_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.term} {self.get_kind_display()} {self.date}"


class ElectionMode(models.TextChoices):
    COMMITTEE = "committee", "选举委员会委员（差额选举）"
    SECRETARY = "secretary", "不设委员会，直接选举书记、副书记"


class ElectionResult(models.Model):
    """The counted result of a 换届选举: who could vote, who was excused with which approval, who came, and the
    votes per candidate. Quorum, the 差额 margin and who is elected follow from these numbers by lib/votes and
    are never typed; a valid result opens the new 届 (`term`) with the elected in office."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="election_results",
                            verbose_name="党组织")
    term = models.OneToOneField(Term, on_delete=models.PROTECT, related_name="election", verbose_name="产生的届次")
    held_on = models.DateField("选举日期")
    meeting = models.ForeignKey(
        "orglife.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="选举大会"
    )
    mode = models.CharField("选举方式", max_length=16, choices=ElectionMode.choices)
    seats = models.PositiveIntegerField("应选人数")
    eligible = models.PositiveIntegerField("有选举权的党员人数")
    excluded = models.PositiveIntegerField("经批准不列入应到会人数", default=0)
    exclusion_basis = models.CharField("不列入应到会的情形", max_length=500, blank=True)
    exclusion_doc_no = models.CharField("不列入应到会的批准文号", max_length=100, blank=True)
    present = models.PositiveIntegerField("实到会有选举权的党员人数")
    win_base = models.PositiveIntegerField("当选票数计算基数")
    unfilled = models.PositiveIntegerField("需另行选举的名额", default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "换届选举结果"
        verbose_name_plural = "换届选举结果"
        ordering = ["org_id", "-held_on"]

    def __str__(self) -> str:
        return f"{self.org} 第{self.term.number}届选举"

    @property
    def expected(self) -> int:
        """应到会: those with a vote less the approved exclusions."""
        return self.eligible - self.excluded


class ElectionCandidate(models.Model):
    """One candidate of an election with the yes votes received, whether elected, and the post taken."""

    result = models.ForeignKey(ElectionResult, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="候选人")
    votes = models.PositiveIntegerField("赞成票")
    elected = models.BooleanField("当选", default=False)
    post = models.CharField("分工", max_length=24, choices=Post.choices, blank=True)

    class Meta:
        verbose_name = "候选人"
        verbose_name_plural = "候选人"
        ordering = ["result_id", "-votes", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "member"], name="leadership_candidate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.votes}票"


def meeting_model() -> type[Meeting]:
    """The model an election step's meeting is (orglife.Meeting), reached through the foreign key: orglife sits
    above leadership (it reads post holdings), so leadership names it only in the key and never imports it."""
    return cast("type[Meeting]", ElectionStep._meta.get_field("meeting").related_model)
