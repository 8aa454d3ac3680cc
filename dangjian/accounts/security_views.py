"""账号安全: the signed-in user's own API token (its age and expiry; issue, replace, withdraw) and signing out on
every device (accounts.credentials). The 三员 get no token (SEC-05) but may sign out everywhere."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from dangjian.accounts import credentials
from dangjian.accounts.models import User
from dangjian.core.scoping import scope_for


@login_required
@require_http_methods(["GET", "POST"])
def account_security(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    may_have_token = not scope_for(user).system_roles
    new_key = ""
    if request.method == "POST":
        what = request.POST.get("do", "")
        if what == "logout_all":
            credentials.sign_out_everywhere(user, actor=user)
            request.logout_reason = "已退出所有设备"  # type: ignore[attr-defined]
            logout(request)
            messages.info(request, "已在所有设备上退出，接口令牌已失效")
            return redirect("accounts:login")
        if what == "issue" and may_have_token:
            new_key = credentials.issue_token(user).key
        elif what == "revoke" and may_have_token:
            done = credentials.revoke_token(user, actor=user)
            messages.success(request, "接口令牌已撤销" if done else "没有可撤销的接口令牌")
            return redirect("accounts:security")
        else:
            messages.error(request, "无法执行该操作")
            return redirect("accounts:security")
    token = Token.objects.filter(user=user).first() if may_have_token else None
    response = render(request, "accounts/security.html", {
        "may_have_token": may_have_token, "token": token, "new_key": new_key,
        "expires_at": credentials.token_expires_at(token) if token else None,
        "refusal": credentials.token_refusal(user, token) if token else "",
    })
    response["Cache-Control"] = "no-store"
    return response
