# SCAFFOLD — replaced by the orgs UI work in this session.
from django.http import HttpResponse


def _todo(request, **kw):  # type: ignore[no-untyped-def]
    return HttpResponse("")


tree = tree_children = detail = create = edit = rename = move = merge = dissolve = _todo
