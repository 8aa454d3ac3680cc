"""`dangjian createadmin`: the first accounts of a deployment, before any 系统管理员 or 安全管理员 exists.

    dangjian createadmin --username sysadmin --role sysadmin
    dangjian createadmin --username secadmin --role secadmin --password-file /run/secrets/pw
    dangjian createadmin --username dangwei --org-admin 1 --display-name 王管理

The password is read from a file or asked for twice; it must pass the password policy, and the account must
change it at first login (SEC-01). A role that already has an active account is refused unless --force
(三员 accounts are personal, never shared: SEC-08). Everything done is in the audit log.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangjian.accounts.actions import bootstrap_user, grant_role
from dangjian.accounts.models import RoleAssignment
from dangjian.accounts.roles import SYSTEM_ROLES, Role
from dangjian.orgs.models import Organization

VIA = "命令行 createadmin"


class Command(BaseCommand):
    help = "创建三员账号（系统管理员、安全管理员、审计管理员）或某党组织的党务管理员账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="用户名")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--role", choices=sorted(SYSTEM_ROLES), help="三员角色：sysadmin、secadmin 或 auditor")
        which.add_argument("--org-admin", type=int, metavar="ORG_ID", help="在该党组织（编号）上创建党务管理员")
        parser.add_argument("--display-name", default="", help="姓名（可选）")
        parser.add_argument("--password-file", type=Path, help="从文件读取初始密码（第一行）；不给则交互输入")
        parser.add_argument("--force", action="store_true", help="该角色已有启用的账号时仍然创建")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"].strip()
        org: Organization | None = None
        if options["role"]:
            role = Role(options["role"])
            existing = RoleAssignment.objects.filter(role=role, user__is_active=True)
        else:
            role = Role.ORG_ADMIN
            org = Organization.objects.filter(pk=options["org_admin"]).first()
            if org is None:
                raise CommandError(f"没有编号为 {options['org_admin']} 的党组织")
            if not org.is_active:
                raise CommandError(f"党组织“{org.name}”已撤销")
            existing = RoleAssignment.objects.filter(role=role, org=org, user__is_active=True)
        holders = sorted(existing.values_list("user__username", flat=True))
        if holders and not options["force"]:
            where = f"“{org.name}”的" if org else ""
            raise CommandError(
                f"{where}{role.label}已有启用的账号：{'、'.join(holders)}。确需再建一个，请加 --force。"
            )
        password = self._password(options["password_file"])
        try:
            with transaction.atomic():
                user = bootstrap_user(
                    username=username, password=password, display_name=options["display_name"], member=None,
                    must_change_password=True, reason=VIA,
                )
                grant_role(user, actor=None, role=role, org=org, bootstrap=True, reason=VIA)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        where = f"（{org.name}）" if org else ""
        self.stdout.write(self.style.SUCCESS(
            f"已创建账号 {user.username}：{role.label}{where}。首次登录须修改密码"
            + ("并绑定动态口令。" if role in SYSTEM_ROLES else "。")
        ))

    def _password(self, path: Path | None) -> str:
        if path is not None:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"无法读取密码文件：{exc.strerror}") from exc
            if not lines or not lines[0]:
                raise CommandError("密码文件为空")
            return lines[0]
        first = getpass.getpass("初始密码：")
        second = getpass.getpass("再次输入：")
        if first != second:
            raise CommandError("两次输入的密码不一致")
        if not first:
            raise CommandError("密码不能为空")
        return first
