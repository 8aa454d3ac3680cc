"""Login, password and second-factor forms, with the generic messages SEC-03 asks for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误",
        "inactive": "用户名或密码错误",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "form-control", "autocomplete": "current-password"})


class ChangePasswordForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "原密码不正确",
        "password_mismatch": "两次输入的新密码不一致",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.fields["new_password1"].help_text = "12至128个字符，包含大写字母、小写字母、数字、符号中的至少三类，不能包含用户名。"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"


class TokenForm(forms.Form):
    token = forms.CharField(label="动态口令", max_length=8, widget=forms.TextInput(attrs={
        "class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric",
    }))
