"""Login, logout, password change and the TOTP second factor (SEC-02..05)."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import actions
from dangjian.accounts.forms import ChangePasswordForm, LoginForm, TokenForm
from dangjian.accounts.middleware import start_session_clock
from dangjian.core import audit
from dangjian.core.models import AuditResult


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

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
    return render(request, "accounts/password_change.html", {"form": form})


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
    """Enrol a TOTP device: show its QR code, confirm it with a first token.

    A user who already has a confirmed device must verify it first: otherwise a stolen password alone would
    be enough to enrol the thief's phone and replace the owner's (SEC-05, ASVS 6.4.3).
    """
    if user_has_device(request.user) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="动态口令", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.devices_for_user(request.user, confirmed=None).exclude(pk=device.pk).delete()
            otp_login(request, device)
            audit.record("auth.otp_enrol", actor=request.user)
            messages.success(request, "动态口令已绑定")
            return redirect("core:home")
        audit.record("auth.otp_enrol", actor=request.user, result=AuditResult.FAILURE)
        form.add_error("token", "动态口令不正确，请核对手机时间后重试")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(request, "accounts/otp_setup.html", {"form": form, "qr_svg": qr_svg, "secret": device.key})


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"].strip()):
                otp_login(request, device)
                audit.record("auth.otp_verify", actor=request.user)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = ""
                return redirect(target or "core:home")
        audit.record("auth.otp_verify", actor=request.user, result=AuditResult.FAILURE)
        form.add_error("token", "动态口令不正确")
    return render(request, "accounts/otp_verify.html", {"form": form})
