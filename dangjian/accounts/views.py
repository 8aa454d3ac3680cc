"""Login, logout, password change and the TOTP second factor (SEC-02..05)."""

from __future__ import annotations

from base64 import b32encode
from typing import Any, cast

import segno
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from dangjian.accounts import actions, backup_codes, throttle
from dangjian.accounts.forms import ChangePasswordForm, LoginForm, TokenForm, VerifyForm
from dangjian.accounts.middleware import start_session_clock
from dangjian.accounts.models import User
from dangjian.accounts.otp_device import SealedTOTPDevice
from dangjian.core import audit
from dangjian.core.middleware import client_ip
from dangjian.core.models import AuditResult


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ip = client_ip(request)
        if throttle.address_locked(ip):
            audit.record("auth.lockout", actor=None, actor_name=str(request.POST.get("username", ""))[:150],
                         result=AuditResult.DENIED, reason=f"同一地址登录失败次数过多：{ip}")
            return lockout_response(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        # auth.login() rotates the session key (SEC-04); the policy clocks start now.
        response = super().form_valid(form)
        start_session_clock(self.request)
        return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None, *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """axes' lockout page: the same for every username, so it reveals nothing about accounts (SEC-03)."""
    return render(request, "accounts/locked.html", status=429)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("accounts:login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        actions.password_changed(user)
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改")
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {
        "form": form, "has_otp": SealedTOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists()})


def _me(request: HttpRequest) -> User:
    """The signed-in user (the views below are login_required)."""
    return cast(User, request.user)


def _base32(device: SealedTOTPDevice) -> str:
    """The device's key as authenticator apps take it when typed in: Base32 (as in the QR's otpauth:// URL), in
    groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def _codes_page(request: HttpRequest, codes: list[str], first: bool) -> HttpResponse:
    """The backup codes, shown this once and never cached."""
    response = render(request, "accounts/backup_codes.html", {"codes": codes, "first": first})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """Turn the 长辈版 on or off for the logged-in user and go back to the page the switch was pressed on."""
    on = request.POST.get("on") == "1"
    actions.set_elder_mode(request.user, on=on)  # type: ignore[arg-type]
    messages.success(request, "已切换为长辈版" if on else "已切换为标准版")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = ""
    return redirect(target or "core:home")


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device: show its QR code and Base32 key, confirm it with a first token, then show the new
    backup codes once.

    A user who already has a confirmed device must verify it first: otherwise a stolen password alone would
    be enough to enrol the thief's phone and replace the owner's (SEC-05, ASVS 6.4.3).
    """
    if user_has_device(request.user) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:otp_verify")
    device = SealedTOTPDevice.objects.devices_for_user(request.user, confirmed=False).first()
    if device is None:
        device = SealedTOTPDevice.objects.create(user=request.user, name="动态口令", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            SealedTOTPDevice.objects.devices_for_user(request.user, confirmed=None).exclude(pk=device.pk).delete()
            otp_login(request, device)
            audit.record("auth.otp_enrol", actor=request.user)
            return _codes_page(request, actions.issue_backup_codes(_me(request), actor=request.user), first=True)
        audit.record("auth.otp_enrol", actor=request.user, result=AuditResult.FAILURE)
        form.add_error("token", "动态口令不正确，请核对手机时间后重试")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(request, "accounts/otp_setup.html", {"form": form, "qr_svg": qr_svg, "secret": _base32(device)})


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Verify the session with the app's 6 digits or, without the phone, one backup code (used up)."""
    if not user_has_device(request.user):
        return redirect("accounts:otp_setup")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        device: Any = None
        for totp in SealedTOTPDevice.objects.devices_for_user(request.user, confirmed=True):
            if totp.verify_token(token):
                device = totp
                break
        method = "动态口令"
        if device is None:
            device, method = actions.use_backup_code(_me(request), token), "备用码"
        if device is not None:
            otp_login(request, device)
            audit.record("auth.otp_verify", actor=request.user, changes={"method": method})
            if method == "备用码":
                left = actions.backup_codes_left(_me(request))
                messages.warning(request, f"已使用一个备用码，还剩{left}个。"
                                          + ("请及时生成新的备用码。" if left <= 3 else ""))
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = ""
            return redirect(target or "core:home")
        audit.record("auth.otp_verify", actor=request.user, result=AuditResult.FAILURE)
        form.add_error("token", "备用码不正确或已使用" if backup_codes.looks_like_code(token) else "动态口令不正确")
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
def backup_codes_page(request: HttpRequest) -> HttpResponse:
    """备用码: how many are left; a POST issues ten new ones (the old ones stop working) and shows them once.
    Only in a session verified with the second factor."""
    if not request.user.is_verified():  # type: ignore[union-attr]
        return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
    if request.method == "POST":
        return _codes_page(request, actions.issue_backup_codes(_me(request), actor=request.user), first=False)
    return render(request, "accounts/backup_codes.html", {"left": actions.backup_codes_left(_me(request))})
