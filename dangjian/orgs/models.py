"""The 党组织 tree: 党委 / 党总支 / 党支部 / 党小组, with its history of changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangjian.core.scoping import ScopedQuerySet
from dangjian.lib import pinyin

if TYPE_CHECKING:
    from dangjian.core.scoping import Scope


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    GROUP = "group", "党小组"


# Which kinds may sit directly under which (None: a root). A 党小组 sits under a 党支部; a 党支部 holds no
# other branches, only 党小组.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    OrgKind.COMMITTEE: {None, OrgKind.COMMITTEE},
    OrgKind.GENERAL_BRANCH: {None, OrgKind.COMMITTEE},
    OrgKind.BRANCH: {None, OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH},
    OrgKind.GROUP: {OrgKind.BRANCH},
}


class UnitCategory(models.TextChoices):
    ORGAN = "organ", "机关"
    INSTITUTION = "institution", "事业单位"
    SOE = "soe", "国有企业"
    SOCIAL = "social", "社会组织"
    RETIRED = "retired", "离退休"
    OTHER = "other", "其他"


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    DISSOLVED = "dissolved", "已撤销"


class OrganizationQuerySet(MP_NodeQuerySet, ScopedQuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        return self.filter(status=OrgStatus.ACTIVE)


class OrganizationManager(MP_NodeManager):
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user: Any, action: str = "view") -> OrganizationQuerySet:
        return self.get_queryset().visible_to(user, action)  # type: ignore[return-value]


class Organization(MP_Node):
    """A 党组织. Its place in the tree is the treebeard path; `parent` mirrors it for sibling rules.

    Nothing is ever hard-deleted: a dissolved or merged org keeps its row, members' history points at it.
    """

    scope_path_field = "path"

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    # 'jgdw' for 机关党委: the org pickers find an org by the initials of its name (kept by save()).
    name_initials = models.CharField("名称拼音首字母", max_length=100, blank=True, editable=False)
    kind = models.CharField("组织类型", max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级党组织"
    )
    code = models.CharField("组织代码", max_length=32, blank=True, db_index=True)
    unit_category = models.CharField("单位类别", max_length=16, choices=UnitCategory.choices, default=UnitCategory.ORGAN)
    sort_order = models.PositiveIntegerField("排序", default=0)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    dissolved_doc_no = models.CharField("撤销文号", max_length=100, blank=True)
    is_temporary = models.BooleanField("临时党组织", default=False)
    temporary_task = models.CharField("临时党组织任务", max_length=200, blank=True)
    temporary_start = models.DateField("临时党组织开始日期", null=True, blank=True)
    temporary_end = models.DateField("临时党组织结束日期", null=True, blank=True)
    is_joint = models.BooleanField("联合党支部", default=False)
    joint_units = models.TextField("联合单位", blank=True, help_text="每行一个单位")
    # Totals over the subtree (this org included), kept by orgs.counters on every change so that the tree
    # never counts millions of member rows live (dependencies.md A1.3). `recount` rebuilds them.
    subtree_members = models.PositiveIntegerField("在册党员（含下级）", default=0)
    subtree_branches = models.PositiveIntegerField("党支部（含下级）", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrganizationManager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], condition=Q(status="active"), name="orgs_org_unique_active_sibling_name",
                violation_error_message="同一上级党组织下已有同名的党组织",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving an existing org never writes its subtree totals: only orgs.counters changes them (with
        F() updates), so a stale in-memory copy cannot overwrite them. The name's initials follow the name, and
        the joint units are kept one per line without blank lines (so SQL counts them by their line breaks)."""
        self.name_initials = pinyin.initials(self.name)[:100]
        self.joint_units = "\n".join(self.joint_unit_list)
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in ("subtree_members", "subtree_branches")
            ]
        super().save(*args, **kwargs)

    @staticmethod
    def extra_visible_q(scope: Scope) -> Q:
        """A plain 党员 sees their own branch's public information (already in view when they view a subtree holding it)."""
        return Q(pk=scope.own_org_id) if scope.own_org_id and not scope.own_org_viewed() else Q(pk__in=[])

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def joint_unit_list(self) -> list[str]:
        return [u.strip() for u in self.joint_units.splitlines() if u.strip()]

    def ancestor_paths(self) -> list[str]:
        return [self.path[: i * self.steplen] for i in range(1, self.depth)]


class OrgEventKind(models.TextChoices):
    CREATED = "created", "成立"
    UPDATED = "updated", "修改信息"
    RENAMED = "renamed", "更名"
    MOVED = "moved", "调整隶属关系"
    MERGED_IN = "merged_in", "并入其他组织"
    ABSORBED = "absorbed", "接收合并"
    DISSOLVED = "dissolved", "撤销"


class OrgEvent(models.Model):
    """One entry in an org's history: founding, rename, move, merge or dissolution, with its document."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="events", verbose_name="党组织")
    kind = models.CharField("事项", max_length=16, choices=OrgEventKind.choices)
    date = models.DateField("日期")
    doc_no = models.CharField("文号", max_length=100, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    data: models.JSONField[Any] = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="经办人",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "党组织沿革"
        verbose_name_plural = "党组织沿革"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()} {self.date}"
