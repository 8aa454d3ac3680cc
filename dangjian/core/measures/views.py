"""设置 → 指标: every registered measure with its key, name, unit, direction, the rules it rests on (linked to the
rule pages) and the periods it takes. Readable by whoever may read the rules."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from dangjian.core import measures, rules
from dangjian.core.rules.views import group_label, require_reader


@login_required
def measure_index(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    groups: dict[str, list[dict[str, object]]] = {}
    for measure in measures.all():
        groups.setdefault(group_label(measure.key), []).append({
            "measure": measure,
            "rules": [(key, rules.REGISTRY[key].label if key in rules.REGISTRY else key) for key in measure.rules],
        })
    return render(request, "core/measures.html", {"groups": groups})


urlpatterns = [
    path("measures/", measure_index, name="measures"),
]
