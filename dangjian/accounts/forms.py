"""Login, password and second-factor forms (generic messages, SEC-03), and the forms of the 三员 pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.urls import reverse_lazy

from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.accounts.validators import validate_password
from dangjian.orgs.pickers import OrgPickerField, active_tree


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
        "password_incorrect": "原密码不正确",  # nosec B105 # an error-message key or field name, not a password
        "password_mismatch": "两次输入的新密码不一致",  # nosec B105 # an error-message key or field name, not a password
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.fields["new_password1"].help_text = "12至128个字符，包含大写字母、小写字母、数字、符号中的至少三类，不能包含用户名。"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"
        self.fields["new_password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["new_password2"].widget.attrs["autocomplete"] = "new-password"

    def validate_password_for_user(self, user: Any, password_field_name: str = "password2") -> None:  # nosec B107 # the form field's name, not a password
        """The policy's refusals, all in Chinese (see validators.validate_password)."""
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error(password_field_name, error)


class TokenForm(forms.Form):
    token = forms.CharField(label="动态口令", max_length=8, widget=forms.TextInput(attrs={
        "class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric",
    }))


class VerifyForm(forms.Form):
    """The 6 digits of the app, or one of the person's backup codes (abcde-fghjk)."""

    token = forms.CharField(label="动态口令或备用码", max_length=16, widget=forms.TextInput(attrs={
        "class": "form-control", "autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false",
    }), help_text="手机不在身边时，可输入一个备用码；每个备用码只能使用一次。")


# --- 三员 pages ------------------------------------------------------------------------------------------------

def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-control")


class UserSearchForm(forms.Form):
    q = forms.CharField(label="用户名或姓名", required=False, max_length=100)
    state = forms.ChoiceField(
        label="状态", required=False,
        choices=[("", "全部"), ("active", "启用"), ("inactive", "停用"), ("must_change", "待修改密码")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class IdCardLookupMixin(forms.Form):
    """Finds a 党员 by exact 身份证号 through the blind index: the 系统管理员 never browses member records."""

    id_card = forms.CharField(
        label="关联党员的身份证号", required=False, max_length=24,
        help_text="可选。输入完整的18位身份证号，系统据此查找在册党员并关联账号；不显示其他个人信息。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    member: Any = None

    def clean_id_card(self) -> str:
        from dangjian.lib import idcard
        from dangjian.members.choices import ON_ROLL_STATES
        from dangjian.members.models import Member
        from dangjian.members.pii import id_card_index

        raw = self.cleaned_data.get("id_card", "").strip()
        if not raw:
            return ""
        try:
            number = idcard.parse(raw).number
        except idcard.IdCardError as exc:
            raise forms.ValidationError(str(exc)) from exc
        # Lookup by blind index only; a 系统管理员 has no scope over members, so this is the one query allowed.
        member = (
            Member.objects.select_related("org")
            .filter(id_card_index=id_card_index(number), state__in=ON_ROLL_STATES)
            .first()
        )
        if member is None:
            raise forms.ValidationError("未找到该身份证号对应的在册党员")
        self.member = member
        return ""  # The number itself is not kept in cleaned_data.


class UserCreateForm(IdCardLookupMixin):
    username = forms.CharField(
        label="用户名", max_length=150, validators=[UnicodeUsernameValidator()],
        help_text="字母、数字和 @ . + - _，不超过150个字符；创建后不能修改。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    display_name = forms.CharField(label="姓名", max_length=50, required=False, help_text="关联党员时可不填，自动使用党员姓名。")
    password1 = forms.CharField(
        label="初始密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12至128个字符，包含大写字母、小写字母、数字、符号中的至少三类。用户首次登录须修改。",
    )
    password2 = forms.CharField(
        label="再次输入初始密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    field_order = ["username", "display_name", "id_card", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致")
        if not data.get("display_name") and self.member is None and not self.errors.get("id_card"):
            self.add_error("display_name", "请填写姓名，或输入身份证号关联党员")
        return data


class LinkMemberForm(IdCardLookupMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_card"].required = True
        self.fields["id_card"].label = "党员身份证号"
        _style(self)


class RoleSearchForm(forms.Form):
    q = forms.CharField(label="账号或党组织", required=False, max_length=100)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部"), *Role.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class RoleGrantForm(forms.Form):
    username = forms.CharField(
        label="账号", max_length=150, help_text="输入要授权账号的用户名。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label="角色", choices=[("", "请选择"), *Role.choices])
    org = OrgPickerField(
        label="党组织", required=False, empty_label="三员角色不选", url=reverse_lazy("accounts:role_org_pick"),
        help_text="党务管理员、支部书记、组织委员、党员、上级查看须选择党组织，角色对该组织及其下级生效。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The whole active tree: the 安全管理员 places roles on it (searched with the picker, never listed).
        self.fields["org"].queryset = active_tree()  # type: ignore[attr-defined]
        _style(self)
        self.user: User | None = None

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError("没有这个账号")
        if not user.is_active:
            raise forms.ValidationError("该账号已停用，不能授予角色")
        self.user = user
        return user.username


class OtpResetForm(forms.Form):
    reason = forms.CharField(
        label="身份核实情况", max_length=200,
        help_text="说明如何核实了本人身份（如当面核验证件）。该账号下次登录时须重新绑定动态口令。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
