"""`dangjian demo_password` (issue 9, defect 12): the demo logins get the demo password back, printed, on a demo
database only — never on a real one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.accounts.models import User
from dangjian.accounts.otp_device import SealedTOTPDevice
from dangjian.core.models import AuditEvent
from dangjian.demo.actions import is_demo_database
from dangjian.demo.loader import DEMO_PASSWORD, DEMO_USERNAMES
from tests.demo.test_demo import run_demo
from tests.world import PASSWORD


def _reset(*args: str) -> str:
    out = StringIO()
    call_command("demo_password", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_logins_get_the_printed_password_back(rf):
    run_demo()
    assert is_demo_database()
    admin = User.objects.get(username="admin")
    admin.set_password("Another#Secret2026")
    admin.must_change_password = True
    admin.save()
    device = SealedTOTPDevice.objects.create(user=User.objects.get(username="auditor"), name="手机", confirmed=True)
    out = _reset()
    assert DEMO_PASSWORD in out
    request = rf.get("/")
    for username in DEMO_USERNAMES:
        assert authenticate(request, username=username, password=DEMO_PASSWORD) is not None, username
    assert not User.objects.get(username="admin").must_change_password
    assert AuditEvent.objects.filter(action="auth.password_reset", actor_name="dangjian demo_password").count() == 8
    assert SealedTOTPDevice.objects.filter(pk=device.pk).exists()  # the second factor stays without --otp
    _reset("--otp")
    assert not SealedTOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(action="auth.otp_reset", actor_name="dangjian demo_password").count() == 1


def test_a_database_not_loaded_by_the_demo_is_refused_and_untouched(world, rf):
    User.objects.filter(pk=world.admin.pk).update(username="admin")
    assert not is_demo_database()
    with pytest.raises(CommandError, match="不是演示数据库"):
        _reset()
    assert authenticate(rf.get("/"), username="admin", password=PASSWORD) is not None
    assert authenticate(rf.get("/"), username="admin", password=DEMO_PASSWORD) is None
    assert not AuditEvent.objects.filter(action="auth.password_reset").exists()
