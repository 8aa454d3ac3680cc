"""apply_action_errors: an action's refusal lands on the form field it names, else on the form; run_posted: the
action runs only for a valid POST, and its refusal comes back on the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from dangjian.core.forms import apply_action_errors, run_posted


class _Form(forms.Form):
    name = forms.CharField(required=False)
    photos = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form(data={"name": "x"})
    assert form.is_valid()
    return form


def test_field_errors_go_on_their_fields_and_unknown_ones_on_the_form() -> None:
    form = _bound()
    apply_action_errors(form, ValidationError({"name": ["请填写姓名", "姓名过长"], "other": ["没有此项"]}))
    assert form.errors["name"] == ["请填写姓名", "姓名过长"]
    assert form.non_field_errors() == ["没有此项"]
    assert "name" not in form.cleaned_data


def test_a_message_list_goes_on_the_form() -> None:
    form = _bound()
    apply_action_errors(form, ValidationError(["一", "二"]))
    assert form.non_field_errors() == ["一", "二"]
    form = _bound()
    apply_action_errors(form, ValidationError("只有一条"))
    assert form.non_field_errors() == ["只有一条"]


def test_non_field_key_goes_on_the_form() -> None:
    form = _bound()
    apply_action_errors(form, ValidationError({"__all__": ["整体有误"]}))
    assert form.non_field_errors() == ["整体有误"]


def test_rename_maps_action_fields_to_page_fields() -> None:
    form = _bound()
    apply_action_errors(form, ValidationError({"file": ["太大"], "starts_at": ["无"]}), {"file": "photos", "starts_at": "date"})
    assert form.errors["photos"] == ["太大"]
    assert form.non_field_errors() == ["无"]


class _Required(forms.Form):
    name = forms.CharField()


def test_run_posted_runs_the_action_only_for_a_valid_post_and_keeps_its_refusal_on_the_form() -> None:
    ran: list[str] = []

    def save() -> str:
        ran.append("saved")
        return "记录"

    def refuse() -> str:
        raise ValidationError({"name": ["姓名重复"]})

    get, post = RequestFactory().get("/"), RequestFactory().post("/", {"name": "张三"})
    assert run_posted(get, _Required(), save) is None and ran == []
    assert run_posted(post, _Required(data={}), save) is None and ran == []
    assert run_posted(post, _Required(data={"name": "张三"}), save) == "记录" and ran == ["saved"]
    refused = _Required(data={"name": "张三"})
    assert run_posted(post, refused, refuse, {"name": "name"}) is None
    assert refused.errors["name"] == ["姓名重复"]
