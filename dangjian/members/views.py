# SCAFFOLD — replaced by the members UI work in this session.
from django.http import HttpResponse
from django.urls import path


def _todo(request, **kw):  # type: ignore[no-untyped-def]
    return HttpResponse("")


urlpatterns = [
    path("", _todo, name="list"),
    path("new/", _todo, name="create"),
    path("export/", _todo, name="export"),
    path("mine/", _todo, name="mine"),
    path("<int:pk>/", _todo, name="detail"),
    path("<int:pk>/edit/", _todo, name="edit"),
    path("<int:pk>/transfer/", _todo, name="transfer"),
    path("<int:pk>/status/", _todo, name="status"),
    path("<int:pk>/reveal/", _todo, name="reveal"),
]
