"""Member and Applicant carry one personal-identity definition, in their own tables, without the ciphertexts
in their history."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from dangjian.members.identity import IDENTITY_HISTORY_EXCLUDED, PersonalIdentity
from dangjian.members.models import Member
from dangjian.recruitment.models import Applicant

IDENTITY_FIELDS = [f.name for f in PersonalIdentity._meta.get_fields()]


def test_both_records_have_the_identity_fields_as_defined_once() -> None:
    assert {"name", "id_card_cipher", "id_card_index", "id_card_masked", "phone_cipher", "phone_masked"} <= set(
        IDENTITY_FIELDS
    )
    for model in (Member, Applicant):
        assert issubclass(model, PersonalIdentity)
        for name in IDENTITY_FIELDS:
            field = model._meta.get_field(name)
            assert field.deconstruct()[1:] == PersonalIdentity._meta.get_field(name).deconstruct()[1:]
            assert field.model is model  # a column of the model's own table


def test_history_never_holds_the_ciphertexts() -> None:
    for model in (Member, Applicant):
        history_fields = {f.name for f in model.history.model._meta.get_fields()}  # type: ignore[attr-defined]
        assert not history_fields & set(IDENTITY_HISTORY_EXCLUDED)
        assert {"id_card_masked", "phone_masked", "birth_date"} <= history_fields


def test_age_in_whole_years() -> None:
    person = Applicant(birth_date=dt.date(2000, 3, 1))
    assert person.age(dt.date(2025, 2, 28)) == 24
    assert person.age(dt.date(2025, 3, 1)) == 25


def test_no_schema_change(db: None) -> None:
    call_command("makemigrations", "members", "recruitment", check=True, dry_run=True, verbosity=0)
