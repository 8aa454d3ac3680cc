# SCAFFOLD — replaced by the member import work in this session.
from django.http import HttpResponse
from django.urls import path


def _todo(request, **kw):  # type: ignore[no-untyped-def]
    return HttpResponse("")


urlpatterns = [
    path("", _todo, name="import"),
    path("template/", _todo, name="import_template"),
    path("<str:token>/", _todo, name="import_preview"),
    path("<str:token>/commit/", _todo, name="import_commit"),
]
