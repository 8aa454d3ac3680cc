"""Fixed value lists of the 党员 registry (党内统计 categories where they exist)."""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]
ETHNICITY_CHOICES = [(e, e) for e in ETHNICITIES]


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专"
    HIGH_SCHOOL = "high_school", "高中、中技"
    JUNIOR_OR_BELOW = "junior_or_below", "初中及以下"


class Occupation(models.TextChoices):
    """党内统计 occupation categories (中组部 党内统计公报)."""

    WORKER = "worker", "工人（工勤技能人员）"
    FARMER = "farmer", "农牧渔民"
    PROFESSIONAL = "professional", "企事业单位、社会组织专业技术人员"
    MANAGER = "manager", "企事业单位、社会组织管理人员"
    CIVIL_SERVANT = "civil_servant", "党政机关工作人员"
    STUDENT = "student", "学生"
    RETIRED = "retired", "离退休人员"
    OTHER = "other", "其他职业人员"


class PersonCategory(models.TextChoices):
    EMPLOYED = "employed", "在职"
    RETIRED = "retired", "离退休"
    STUDENT = "student", "学生"
    UNEMPLOYED = "unemployed", "下岗失业"
    FARMER = "farmer", "农民"
    OTHER = "other", "其他"


class PartyStatus(models.TextChoices):
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"


class MemberState(models.TextChoices):
    ACTIVE = "active", "在册"
    SUSPENDED = "suspended", "停止党籍"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    LEFT = "left", "已出党"
    DECEASED = "deceased", "已去世"


# States in which the person is still on this system's roll; one such record per 身份证号.
ON_ROLL_STATES = (MemberState.ACTIVE, MemberState.SUSPENDED)


class MemberEventKind(models.TextChoices):
    JOINED = "joined", "入党"
    CONFIRMED = "confirmed", "转正"
    TRANSFER = "transfer", "组织关系转接"
    TRANSFER_IN = "transfer_in", "转入"
    TRANSFER_OUT = "transfer_out", "转出"
    SUSPENDED = "suspended", "停止党籍"
    RESTORED = "restored", "恢复党籍"
    LEFT = "left", "出党"
    DECEASED = "deceased", "去世"
    # Written by the 发展党员 workflow (dangjian.recruitment.actions) when the 上级党委 approves an extension.
    PROBATION_EXTENDED = "extended", "延长预备期"


class LeaveReason(models.TextChoices):
    EXPELLED = "expelled", "开除党籍"
    REMOVED = "removed", "除名"
    WITHDREW = "withdrew", "退党"
    PERSUADED = "persuaded", "劝退"
    SELF_LAPSED = "self_lapsed", "自行脱党"
    # 发展党员工作细则 第三十二条: a 预备党员 who does not meet the conditions loses the status (党内统计: 出党情况).
    PROBATION_CANCELLED = "cancelled", "取消预备党员资格"
    OTHER = "other", "其他"
