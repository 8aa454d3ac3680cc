"""长期未使用账号 (SEC-08), for the 安全管理员: the accounts the job stopped for dormancy and those coming up to
their stop, with the last use of each. Re-enabling is the 系统管理员's (账号管理), which restarts the count."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.accounts import dormancy
from dangjian.accounts.admin_views import duty
from dangjian.accounts.roles import Role
from dangjian.core.pagination import paginate


@duty(Role.SECADMIN)
@require_GET
def dormant(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    days = dormancy.dormant_days(now)
    page = paginate(request, dormancy.listing(now))
    rows = [
        (u, timezone.localdate(u.dormant_disabled_at) if u.dormant_disabled_at else
         timezone.localdate(u.used + dt.timedelta(days=days)))
        for u in page
    ]
    return render(request, "accounts/dormant.html", {
        "page": page, "rows": rows, "days": days, "warning_days": dormancy.WARNING_DAYS,
    })
