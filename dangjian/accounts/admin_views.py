"""The 三员 pages: 账号管理 (系统管理员) and 授权管理 (安全管理员). SEC-25.

Each page belongs to exactly one duty. Anyone else gets 404, the same answer as for a page that does not
exist, and the attempt is recorded as an authorization failure (SEC-10). The 三员 see accounts, roles and
the org tree's names, never member data: a member is linked to an account by the exact 身份证号 (blind
index), and the page shows only "已关联：姓名（党支部）".

State changes go through accounts.actions and are POST-only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import user_has_device

from dangjian.accounts import actions
from dangjian.accounts.forms import (
    LinkMemberForm,
    OtpResetForm,
    RoleGrantForm,
    RoleSearchForm,
    UserCreateForm,
    UserSearchForm,
)
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core import audit
from dangjian.core.forms import apply_action_errors, submit_action
from dangjian.core.models import AuditResult
from dangjian.core.pagination import paginate
from dangjian.core.pickers import parse_id, parse_query
from dangjian.core.scoping import scope_for
from dangjian.orgs.pickers import active_tree
from dangjian.orgs.pickers import search as org_search

View = Callable[..., HttpResponse]


def duty(role: str) -> Callable[[View], View]:
    """Only the holder of this 三员 role reaches the page, and only with a verified second factor."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role not in scope_for(request.user).system_roles:
                audit.record(
                    "auth.denied", actor=request.user, result=AuditResult.DENIED,  # type: ignore[arg-type]
                    reason=f"{request.method} {request.path}"[:200],
                )
                raise Http404("未找到该页面")
            # The session policy already sends an unverified 三员 to the second factor; this is the second lock.
            if not request.user.is_verified():  # type: ignore[union-attr]
                target = "accounts:otp_verify" if user_has_device(request.user) else "accounts:otp_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


def _refusal(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _account_button(
    request: HttpRequest, pk: int, run: Callable[[User], Any], message: Callable[[User], str],
) -> HttpResponse:
    """A button on the account page: run the action on the account, flash the outcome (or the refusal), and go back
    to the page."""
    account = get_object_or_404(User, pk=pk)
    try:
        run(account)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, message(account))
    return redirect("accounts:user_detail", pk=account.pk)


def _audit_lookup(request: HttpRequest, form: Any) -> None:
    """Every lookup of a member by 身份证号 is recorded, found or not (the number itself never is): a 系统管理员
    could otherwise test numbers to learn who is a Party member without a trace (SEC-10)."""
    if str(form.data.get("id_card", "")).strip():
        audit.record(
            "accounts.member_lookup", actor=request.user, obj=form.member,
            result=AuditResult.SUCCESS if form.member is not None else AuditResult.FAILURE,
        )


def _linked_label(user: User) -> str:
    member = user.member
    if member is None:
        return ""
    return f"{member.name}（{member.org.name}）"


# --- 账号管理 (系统管理员) ---------------------------------------------------------------------------------------


def _accounts() -> Any:
    """Accounts with what the list shows: linked member's name and branch, and roles. No personal data."""
    return User.objects.select_related("member__org").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("org").order_by("role"))
    ).order_by("username")


@duty(Role.SYSADMIN)
@require_GET
def users(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    qs = _accounts()
    if form.is_valid():
        q = form.cleaned_data.get("q", "").strip()
        if q:
            qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(member__name__icontains=q))
        state = form.cleaned_data.get("state")
        if state == "active":
            qs = qs.filter(is_active=True)
        elif state == "inactive":
            qs = qs.filter(is_active=False)
        elif state == "must_change":
            qs = qs.filter(must_change_password=True)
    page = paginate(request, qs)
    locked = actions.locked_usernames(u.username for u in page)
    rows = [{"user": u, "linked": _linked_label(u), "locked": u.username in locked} for u in page]
    return render(request, "accounts/users.html", {"form": form, "page": page, "rows": rows})


@duty(Role.SYSADMIN)
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(_accounts(), pk=pk)
    return render(request, "accounts/user_detail.html", {
        "account": account,
        "linked": _linked_label(account),
        "locked": account.username in actions.locked_usernames([account.username]),
        "has_otp": user_has_device(account),
        "is_self": account.pk == request.user.pk,
    })


@duty(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    if request.method == "POST":
        _audit_lookup(request, form)
    if valid:
        data = form.cleaned_data
        try:
            account = actions.create_user(
                actor=request.user, username=data["username"], password=data["password1"],
                display_name=data["display_name"], member=form.member, must_change_password=True,
            )
        except ValidationError as exc:
            apply_action_errors(form, exc, {"member": "id_card", "password": "password1"})  # nosec B105 # an error-message key or field name, not a password
        else:
            text = f"已创建账号 {account.username}，首次登录须修改密码"
            if account.member_id:
                text += f"；已关联：{_linked_label(account)}"
            messages.success(request, text)
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@duty(Role.SYSADMIN)
@require_POST
def user_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_button(
        request, pk, lambda account: actions.set_active(account, actor=request.user, active=not account.is_active),
        lambda account: f"账号 {account.username} 已{'启用' if account.is_active else '停用'}",
    )


@duty(Role.SYSADMIN)
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_button(
        request, pk, lambda account: actions.unlock_user(account, actor=request.user),
        lambda account: f"账号 {account.username} 已解除锁定",
    )


@duty(Role.SYSADMIN)
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    try:
        password = actions.reset_password(account, actor=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
        return redirect("accounts:user_detail", pk=account.pk)
    # Shown once, in this response only: never put in a message (messages may live in a cookie, SEC-22).
    return render(request, "accounts/user_password_reset.html", {"account": account, "password": password})


@duty(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def user_link(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(_accounts(), pk=pk)
    if account.member_id is not None:
        messages.info(request, f"该账号已关联：{_linked_label(account)}")
        return redirect("accounts:user_detail", pk=account.pk)
    form = LinkMemberForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()  # validating looks the member up by 身份证号; the lookup is audited before any write
        _audit_lookup(request, form)
    done = submit_action(
        request, form, lambda _: actions.link_member(account, actor=request.user, member=form.member),
        message=lambda _: f"已关联：{form.member.name}（{form.member.org.name}）",
        then=lambda linked: redirect("accounts:user_detail", pk=linked.pk),
    )
    return done or render(request, "accounts/user_link.html", {"form": form, "account": account})


# --- 授权管理 (安全管理员) ---------------------------------------------------------------------------------------


@duty(Role.SECADMIN)
@require_GET
def roles(request: HttpRequest) -> HttpResponse:
    form = RoleSearchForm(request.GET or None)
    qs = RoleAssignment.objects.select_related("user", "org", "granted_by").order_by("user__username", "role", "id")
    if form.is_valid():
        q = form.cleaned_data.get("q", "").strip()
        if q:
            qs = qs.filter(Q(user__username__icontains=q) | Q(user__display_name__icontains=q) | Q(org__name__icontains=q))
        if form.cleaned_data.get("role"):
            qs = qs.filter(role=form.cleaned_data["role"])
    page = paginate(request, qs)
    return render(request, "accounts/roles.html", {"form": form, "page": page})


@duty(Role.SECADMIN)
@require_GET
def role_org_pick(request: HttpRequest) -> HttpResponse:
    """The org picker of 授予角色 (orgs.pickers.search) over the whole active tree, as JSON; 400 for a search text
    that is too long."""
    try:
        text = parse_query(request.GET.get("q"))
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse(org_search(active_tree(), text, parent=parse_id(request.GET.get("parent"))))


@duty(Role.SECADMIN)
@require_http_methods(["GET", "POST"])
def role_grant(request: HttpRequest) -> HttpResponse:
    initial = {"username": request.GET.get("user", "")[:150]}
    form = RoleGrantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        data = form.cleaned_data
        try:
            assignment = actions.grant_role(form.user, actor=request.user, role=data["role"], org=data["org"])
        except ValidationError as exc:
            apply_action_errors(form, exc, {"user": "username"})
        else:
            messages.success(request, f"已授予：{assignment}")
            return redirect(f"{reverse('accounts:roles')}?{urlencode({'q': form.user.username})}")
    # Finding an account by part of its username or name (no JS needed): up to 20 active accounts.
    find = request.GET.get("find", "").strip()[:100]
    found = (
        User.objects.exclude(is_active=False).filter(Q(username__icontains=find) | Q(display_name__icontains=find))
        .order_by("username")[:20]
        if find else []
    )
    return render(request, "accounts/role_grant.html", {"form": form, "find": find, "found": found})


@duty(Role.SECADMIN)
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user", "org"), pk=pk)
    label = str(assignment)
    try:
        actions.revoke_role(assignment, actor=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, f"已撤销：{label}")
    return redirect("accounts:roles")


@duty(Role.SECADMIN)
@require_http_methods(["GET", "POST"])
def otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    form = OtpResetForm(request.POST or None)
    done = submit_action(
        request, form, lambda data: actions.reset_otp(account, actor=request.user, reason=data["reason"]),
        message=f"已重置账号 {account.username} 的动态口令，其下次登录时须重新绑定",
        then=lambda _: redirect(f"{reverse('accounts:roles')}?{urlencode({'q': account.username})}"),
    )
    return done or render(request, "accounts/otp_reset.html", {
        "form": form, "account": account, "has_otp": user_has_device(account, confirmed=None),
    })
