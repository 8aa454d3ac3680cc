"""The personal data a 党员 and an 入党申请人 are recorded with, defined once (abstract: no table of its own).

身份证号 and phone are stored only encrypted (`*_cipher`, SM4-GCM, written and read by dangjian.members.pii),
with a masked copy for display and, for the 身份证号, a blind index for exact lookup (one key for all tables,
so an applicant can be matched against the roll); birth date and sex are stored apart so lists never decrypt.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from dangjian.lib.dates import whole_years
from dangjian.members.choices import ETHNICITY_CHOICES, Education, Occupation, PersonCategory, Sex

# Never copied into business history: the ciphertexts, and the pinyin derived from the name.
IDENTITY_HISTORY_EXCLUDED = ["id_card_cipher", "phone_cipher", "name_pinyin", "name_initials"]


class PersonalIdentity(models.Model):
    """Who a person is (name, sex, birth, 身份证号, phone, education, work): shared by `members.Member` and
    `recruitment.Applicant`, each keeping the columns in its own table."""

    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField("姓名拼音", max_length=200, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=16, choices=ETHNICITY_CHOICES, default="汉族")
    birth_date = models.DateField("出生日期")
    id_card_cipher = models.TextField("身份证号（密文）")
    id_card_index = models.CharField("身份证号索引", max_length=64, db_index=True)
    id_card_masked = models.CharField("身份证号", max_length=18)
    phone_cipher = models.TextField("手机号（密文）", blank=True)
    phone_masked = models.CharField("手机号", max_length=20, blank=True)
    education = models.CharField("学历", max_length=24, choices=Education.choices)
    occupation = models.CharField("职业", max_length=16, choices=Occupation.choices)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    post = models.CharField("职务", max_length=100, blank=True)
    person_category = models.CharField("人员类别", max_length=16, choices=PersonCategory.choices)

    class Meta:
        abstract = True

    def age(self, today: dt.date) -> int:
        """Whole years since birth on `today`."""
        return whole_years(self.birth_date, today)
