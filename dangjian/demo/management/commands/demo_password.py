"""`dangjian demo_password`: give the demo logins the demo password again and print it (demo databases only)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.demo import actions


class Command(BaseCommand):
    help = "把演示账号的密码重置为演示密码并显示（只用于 dangjian demo 装入的演示数据库）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--otp", action="store_true",
                            help="同时解除演示账号已绑定的动态口令和备用码（下次登录时重新绑定）")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            password, usernames = actions.reset_demo_passwords(second_factor=opts["otp"])
        except ValidationError as exc:
            raise CommandError("".join(exc.messages)) from exc
        self.stdout.write(f"已重置演示账号：{'、'.join(usernames)}")
        self.stdout.write(f"所有演示账号的密码：{password}")
        if opts["otp"]:
            self.stdout.write("已解除动态口令：sysadmin、secadmin、auditor 下次登录时重新绑定。")
        else:
            self.stdout.write("已绑定的动态口令保持不变；手机不在身边时可用备用码，或加 --otp 解除后重新绑定。")
