"""The 5 stages and 25 steps of 《中国共产党发展党员工作细则》 (2014) as data, with the order they follow.

Pure: no database. `allowed_next` says which step may be recorded after a given history; the actions refuse
any other ("a step out of order"). Sources: /work/shared/domain/regulations.md §3.1, docs/rules/recruitment.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Stage(models.IntegerChoices):
    APPLICATION = 1, "申请入党"
    ACTIVIST = 2, "入党积极分子的确定和培养教育"
    CANDIDATE = 3, "发展对象的确定和考察"
    ADMISSION = 4, "预备党员的接收"
    PROBATION = 5, "预备党员的教育考察和转正"


@dataclass(frozen=True)
class StepDef:
    number: int
    stage: int
    label: str
    document: str  # what the step's paper is usually called (the default title of an upload)
    repeatable: bool = False


STEPS: dict[int, StepDef] = {s.number: s for s in [
    StepDef(1, Stage.APPLICATION, "递交入党申请书", "入党申请书"),
    StepDef(2, Stage.APPLICATION, "党组织派人谈话", "谈话记录"),
    StepDef(3, Stage.ACTIVIST, "推荐和确定入党积极分子", "推荐材料及支委会记录"),
    StepDef(4, Stage.ACTIVIST, "上级党委备案", "入党积极分子备案表"),
    StepDef(5, Stage.ACTIVIST, "指定培养联系人", "培养联系人登记"),
    StepDef(6, Stage.ACTIVIST, "培养教育考察", "培养考察记录", repeatable=True),
    StepDef(7, Stage.CANDIDATE, "确定发展对象", "发展对象公示及支委会记录"),
    StepDef(8, Stage.CANDIDATE, "报上级党委备案", "发展对象备案表"),
    StepDef(9, Stage.CANDIDATE, "确定入党介绍人", "入党介绍人登记"),
    StepDef(10, Stage.CANDIDATE, "进行政治审查", "政治审查材料"),
    StepDef(11, Stage.CANDIDATE, "开展集中培训", "培训结业证书"),
    StepDef(12, Stage.ADMISSION, "支部委员会审查", "发展对象审查表"),
    StepDef(13, Stage.ADMISSION, "上级党委预审", "预审意见"),
    StepDef(14, Stage.ADMISSION, "填写入党志愿书", "入党志愿书"),
    StepDef(15, Stage.ADMISSION, "支部大会讨论", "支部大会决议"),
    StepDef(16, Stage.ADMISSION, "上级党委派人谈话", "谈话记录"),
    StepDef(17, Stage.ADMISSION, "上级党委审批", "审批意见"),
    StepDef(18, Stage.ADMISSION, "再上一级党委组织部门备案", "备案材料"),
    StepDef(19, Stage.PROBATION, "编入党支部和党小组", "编入情况"),
    StepDef(20, Stage.PROBATION, "入党宣誓", "宣誓记录"),
    StepDef(21, Stage.PROBATION, "继续教育考察", "预备党员考察记录", repeatable=True),
    StepDef(22, Stage.PROBATION, "提出转正申请", "转正申请书", repeatable=True),
    StepDef(23, Stage.PROBATION, "支部大会讨论转正", "支部大会决议", repeatable=True),
    StepDef(24, Stage.PROBATION, "上级党委审批转正", "审批意见", repeatable=True),
    StepDef(25, Stage.PROBATION, "材料归档", "归档清单"),
]}
STEP_CHOICES = [(n, f"{n}. {s.label}") for n, s in STEPS.items()]
LAST_STEP = 25

# Steps with a meaning of their own to the actions.
TALK = 2
ACTIVIST = 3
MENTORS = 5
ASSESSMENT = 6
CANDIDATE = 7
INTRODUCERS = 9
TRAINING = 11
ADMISSION_MEETING = 15
ADMISSION_APPROVAL = 17
PLACEMENT = 19
PROBATION_ASSESSMENT = 21
CONFIRMATION_REQUEST = 22
CONFIRMATION_MEETING = 23
CONFIRMATION_APPROVAL = 24
ARCHIVE = 25
VOTING_STEPS = (ADMISSION_MEETING, CONFIRMATION_MEETING)
APPROVAL_STEPS = (ADMISSION_APPROVAL, CONFIRMATION_APPROVAL)


class Outcome(models.TextChoices):
    """What the 支部大会 decides about a 预备党员 when the probation ends (细则 第三十二条)."""

    CONFIRM = "confirm", "按期转为正式党员"
    EXTEND = "extend", "延长预备期"
    CANCEL = "cancel", "取消预备党员资格"


def stage_of(number: int) -> int:
    return STEPS[number].stage


def allowed_next(done: list[tuple[int, str]]) -> list[int]:
    """The steps that may be recorded next, given the steps recorded so far in order — (number, outcome) with
    the outcome of a 转正 meeting or approval ("" for the other steps).

    The steps follow 1 → 25. 培养教育考察 (6) repeats until the 发展对象 are chosen (7), 继续教育考察 (21) during
    the probation. A 转正 meeting that extends the probation (细则 第三十二条, once only) is approved (24) and
    the probation continues: 21 or a new 转正申请 (22). After a cancellation or the final approval only the
    archive (25) remains.
    """
    if not done:
        return [1]
    last, outcome = done[-1]
    if last == LAST_STEP:
        return []
    if last == MENTORS:
        return [ASSESSMENT]
    if last == ASSESSMENT:
        return [ASSESSMENT, CANDIDATE]
    if last == 20:
        return [PROBATION_ASSESSMENT, CONFIRMATION_REQUEST]
    if last == PROBATION_ASSESSMENT:
        return [PROBATION_ASSESSMENT, CONFIRMATION_REQUEST]
    if last == CONFIRMATION_APPROVAL and outcome == Outcome.EXTEND:
        return [PROBATION_ASSESSMENT, CONFIRMATION_REQUEST]
    return [last + 1]
