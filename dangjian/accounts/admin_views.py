# SCAFFOLD — replaced by the 三员 pages work in this session.
from django.http import HttpResponse


def _todo(request, **kw):  # type: ignore[no-untyped-def]
    return HttpResponse("")


users = user_create = user_toggle = user_unlock = roles = role_grant = role_revoke = _todo
