"""The paper forms of 发展党员 as Word documents, generated from the recorded steps (nothing typed again) and
registered with dangjian.core.documents so that an administrator can replace each layout.

Personal data appears masked (as on the pages); a form needing the full 身份证号 is filled in by hand after an
audited reveal. Each form is offered once the step it belongs to is reached (`FORMS[name].after`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dangjian.core.documents import DocTemplate, Heading, Para, Table, register
from dangjian.lib.dates import cn_date
from dangjian.recruitment.models import Applicant
from dangjian.recruitment.steps import STEPS
from dangjian.recruitment.training import training_hours


@dataclass(frozen=True)
class Form:
    key: str
    title: str
    after: int  # the step from which the form can be generated


FORMS: dict[str, Form] = {f.key.split(".")[1]: f for f in [
    Form("recruitment.activist_filing", "入党积极分子备案表", 3),
    Form("recruitment.candidate_notice", "发展对象公示", 7),
    Form("recruitment.candidate_filing", "发展对象备案表", 7),
    Form("recruitment.candidate_review", "发展对象审查表", 11),
    Form("recruitment.confirmation_notice", "预备党员转正公示", 22),
]}


def form_context(applicant: Applicant) -> dict[str, Any]:
    """What the forms show, from the applicant and the steps recorded (two queries and the training sum)."""
    steps = list(applicant.steps.order_by("id").prefetch_related("people"))
    dates: dict[str, str] = {}
    for s in steps:
        dates[f"s{s.number}"] = cn_date(s.date)  # a repeated step: the latest
    mentors = next((s for s in reversed(steps) if s.number == 5), None)
    introducers = next((s for s in reversed(steps) if s.number == 9), None)
    assessments = [cn_date(s.date) for s in steps if s.number == 6]
    trained = training_hours(applicant)
    today = timezone.localdate()
    return {
        "name": applicant.name, "sex": applicant.get_sex_display(), "ethnicity": applicant.ethnicity,
        "birth_date": cn_date(applicant.birth_date), "id_card": applicant.id_card_masked,
        "education": applicant.get_education_display(), "work_unit": applicant.work_unit, "post": applicant.post,
        "org": applicant.org.name, "dates": dates,
        "mentors": "、".join(m.name for m in mentors.people.all()) if mentors else "",
        "introducers": "、".join(m.name for m in introducers.people.all()) if introducers else "",
        "assessments": "、".join(assessments),
        "training_days": f"{trained.days.normalize():f}", "training_hours": f"{trained.hours.normalize():f}",
        "steps": [{"number": s.number, "label": STEPS[s.number].label, "date": cn_date(s.date), "handled_by": s.handled_by,
                   "note": s.note} for s in steps],
        "generated": cn_date(today),
    }


_DATES = {f"s{n}": f"2025年{(n % 12) + 1}月{n}日" for n in range(1, 26)}
SAMPLE: dict[str, Any] = {
    "name": "陈某某", "sex": "女", "ethnicity": "汉族", "birth_date": "1998年5月4日", "id_card": "1101**********1234",
    "education": "研究生", "work_unit": "办公厅", "post": "一级科员", "org": "第一党支部", "dates": _DATES,
    "mentors": "王某", "introducers": "王某、刘某", "assessments": "2024年11月5日、2025年4月30日",
    "training_days": "3", "training_hours": "24",
    "steps": [{"number": 1, "label": "递交入党申请书", "date": "2024年3月1日", "handled_by": "组织委员", "note": ""}],
    "generated": "2026年1月5日",
}
FIELDS = {
    "name": "姓名", "sex": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_card": "身份证号（脱敏）",
    "education": "学历", "work_unit": "工作单位", "post": "职务", "org": "所在党支部",
    "dates": "各步骤日期：dates.s1（递交入党申请书）… dates.s25（材料归档）",
    "mentors": "培养联系人", "introducers": "入党介绍人", "assessments": "培养考察日期",
    "training_days": "集中培训天数", "training_hours": "集中培训学时",
    "steps": "已记录步骤列表，每条含 number、label、date、handled_by、note", "generated": "生成日期",
}
_PERSON = Table(
    ["姓名", "性别", "民族", "出生日期", "学历", "工作单位及职务"],
    ["{{ name }}", "{{ sex }}", "{{ ethnicity }}", "{{ birth_date }}", "{{ education }}", "{{ work_unit }}{{ post }}"],
    "_ in [1]",
)
_SIGN = Para("{{ org }}（盖章）　　　　{{ generated }}")

register(
    DocTemplate(key=FORMS["activist_filing"].key, title="入党积极分子备案表", sample=SAMPLE, fields=FIELDS, layout=[
        Heading("入党积极分子备案表", level=0),
        Para("党支部：{{ org }}"),
        _PERSON,
        Para("身份证号：{{ id_card }}"),
        Para("递交入党申请书时间：{{ dates.s1 }}；党组织派人谈话时间：{{ dates.s2 }}"),
        Para("经党员推荐、群团组织推优，支部委员会于{{ dates.s3 }}研究确定为入党积极分子，现报上级党委备案。"),
        _SIGN,
    ]),
    DocTemplate(key=FORMS["candidate_notice"].key, title="发展对象公示", sample=SAMPLE, fields=FIELDS, layout=[
        Heading("发展对象公示", level=0),
        Para("经党支部委员会研究，拟将{{ name }}同志列为发展对象，现将有关情况公示如下："),
        Para("{{ name }}，{{ sex }}，{{ ethnicity }}，{{ birth_date }}出生，{{ education }}学历，{{ work_unit }}{{ post }}。"
             "{{ dates.s1 }}递交入党申请书，{{ dates.s3 }}被确定为入党积极分子，培养联系人{{ mentors }}。"),
        Para("公示期间，党员和群众可通过来信、来电、来访等方式向党支部反映情况。"),
        _SIGN,
    ]),
    DocTemplate(key=FORMS["candidate_filing"].key, title="发展对象备案表", sample=SAMPLE, fields=FIELDS, layout=[
        Heading("发展对象备案表", level=0),
        Para("党支部：{{ org }}"),
        _PERSON,
        Para("身份证号：{{ id_card }}"),
        Para("递交入党申请书：{{ dates.s1 }}；确定为入党积极分子：{{ dates.s3 }}；培养联系人：{{ mentors }}"),
        Para("培养考察：{{ assessments }}"),
        Para("经过一年以上培养教育和考察，支部委员会于{{ dates.s7 }}讨论同意列为发展对象，现报上级党委备案。"),
        _SIGN,
    ]),
    DocTemplate(key=FORMS["candidate_review"].key, title="发展对象审查表", sample=SAMPLE, fields=FIELDS, layout=[
        Heading("发展对象审查表", level=0),
        Para("党支部：{{ org }}"),
        _PERSON,
        Para("身份证号：{{ id_card }}"),
        Table(["步骤", "日期", "经办人", "情况"],
              ["{{ s.number }}. {{ s.label }}", "{{ s.date }}", "{{ s.handled_by }}", "{{ s.note }}"], "s in steps"),
        Para("入党介绍人：{{ introducers }}"),
        Para("集中培训：{{ training_days }}天、{{ training_hours }}学时（不少于三天或二十四学时）"),
        Para("支部委员会审查意见："),
        _SIGN,
    ]),
    DocTemplate(key=FORMS["confirmation_notice"].key, title="预备党员转正公示", sample=SAMPLE, fields=FIELDS, layout=[
        Heading("预备党员转正公示", level=0),
        Para("{{ name }}同志于{{ dates.s15 }}经支部大会讨论通过为预备党员，{{ dates.s17 }}经上级党委审批，"
             "预备期一年。本人于{{ dates.s22 }}提出转正申请。党支部拟讨论其转为正式党员，现予公示。"),
        Para("入党介绍人：{{ introducers }}；所在党支部：{{ org }}"),
        Para("公示期间，党员和群众可通过来信、来电、来访等方式向党支部反映情况。"),
        _SIGN,
    ]),
)
