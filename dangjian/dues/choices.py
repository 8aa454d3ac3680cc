"""Fixed value lists of 党费."""

from __future__ import annotations

from django.db import models

from dangjian.members.choices import PersonCategory


class Basis(models.TextChoices):
    """What a member's monthly 党费 is computed from (中组发〔2008〕3号 第一—六条)."""

    WAGE = "wage", "工资收入（税后）"
    ANNUAL_SALARY = "annual_salary", "年薪制（当月实际薪酬）"
    SELF_EMPLOYED = "self_employed", "个体经营等（上季度月平均纯收入）"
    PENSION = "pension", "离退休费或养老金"
    STUDENT = "student", "学生党员"
    UNEMPLOYED = "unemployed", "下岗失业党员"
    SUBSISTENCE = "subsistence", "依靠抚恤、救济或领取低保的党员"
    FARMER = "farmer", "农民党员"


# Bases computed as a rate of an income; the others are fixed monthly amounts.
INCOME_BASES = frozenset({Basis.WAGE, Basis.ANNUAL_SALARY, Basis.SELF_EMPLOYED, Basis.PENSION})
FIXED_BASES = frozenset({Basis.STUDENT, Basis.UNEMPLOYED, Basis.SUBSISTENCE})

# Which bases fit a member's 人员类别 (Member.person_category); the first is the usual one.
BASES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    PersonCategory.EMPLOYED: (Basis.WAGE, Basis.ANNUAL_SALARY, Basis.SELF_EMPLOYED, Basis.SUBSISTENCE),
    PersonCategory.RETIRED: (Basis.PENSION, Basis.SUBSISTENCE),
    PersonCategory.STUDENT: (Basis.STUDENT,),
    PersonCategory.UNEMPLOYED: (Basis.UNEMPLOYED, Basis.SUBSISTENCE),
    PersonCategory.FARMER: (Basis.FARMER, Basis.SUBSISTENCE),
    PersonCategory.OTHER: (Basis.SELF_EMPLOYED, Basis.WAGE, Basis.ANNUAL_SALARY, Basis.PENSION, Basis.SUBSISTENCE),
}


class PaymentMethod(models.TextChoices):
    BRANCH = "branch", "支部收缴"
    SELF = "self", "党员自助交纳（登记）"
    PROXY = "proxy", "委托亲属或其他党员代交"


class ReliefKind(models.TextChoices):
    REDUCE = "reduce", "少交"
    EXEMPT = "exempt", "免交"


class ArrearsLevel(models.TextChoices):
    NONE = "none", "正常"
    WARNED = "warned", "欠缴提醒"
    FLAGGED = "flagged", "连续欠缴6个月（自行脱党风险）"
