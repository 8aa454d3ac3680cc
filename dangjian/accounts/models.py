"""Users, their roles on org nodes, and the password history the policy checks against."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from dangjian.accounts.roles import Role


class User(AbstractUser):
    """A login. May be linked to the 党员 record of the person who uses it.

    `must_change_password` is set for seeded and reset accounts (SEC-01); `password_changed_at` drives the
    maximum password age (SEC-02). `elder_mode` is the user's own 长辈版 display (larger text, higher contrast). Accounts are disabled, never deleted, so audit entries keep their actor.
    """

    member = models.OneToOneField(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="user",
        verbose_name="对应党员",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    # Sessions started and API tokens created before this no longer count (sign out everywhere, disabling).
    credentials_revoked_at = models.DateTimeField("凭据撤销时间", null=True, blank=True)
    elder_mode = models.BooleanField("长辈版", default=False, help_text="更大的字号、更高的对比度")
    # Dormancy (SEC-08): an account unused since max(last login, creation, re-enabling) for the rule's days is
    # disabled by `dangjian disable_dormant`, which stamps when; re-enabling clears it and restarts the count.
    enabled_at = models.DateTimeField("最近启用时间", null=True, blank=True)
    dormant_disabled_at = models.DateTimeField("因长期未使用停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def system_roles(self) -> set[str]:
        from dangjian.core.scoping import scope_for

        return scope_for(self).system_roles

    def has_role(self, *roles: str) -> bool:
        return self.role_assignments.filter(role__in=roles).exists()


class RoleAssignment(models.Model):
    """A role held by a user, on an org node (business roles) or system-wide (三员).

    Validation of combinations (三员 exclusive, business roles need an org) lives in
    accounts.actions.grant_role, the only writer.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="账号")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments",
        verbose_name="党组织",
    )
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="授予人"
    )

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org"], name="accounts_role_unique_user_role_org",
                violation_error_message="该账号已在此党组织担任该角色",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}" + (f" · {self.org}" if self.org_id else "")


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so the last five cannot be reused (SEC-02)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


# The sealed 动态口令 device is a model of this app (a proxy on django-otp's table); see otp_device.
from dangjian.accounts.otp_device import SealedTOTPDevice  # noqa: E402,F401
