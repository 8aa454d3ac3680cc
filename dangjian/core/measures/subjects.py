"""What a measure is computed over: the scoped QuerySet of its subjects under a root org, found by model label so
that core imports no domain app."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet

from dangjian.core.measures import MEMBER, ORG, Measure
from dangjian.core.scoping import subtree_q

# The model of each subject, its path field (for the subtree) and how its rows are named and ordered.
SUBJECT_MODELS = {ORG: ("orgs.Organization", "path", "name", ("path",)),
                  MEMBER: ("members.Member", "org__path", "name", ("org__path", "pk"))}


def subject_model(measure: Measure) -> type[Model]:
    return apps.get_model(SUBJECT_MODELS[measure.subject][0])


def subjects_under(measure: Measure, user: Any, root_path: str) -> QuerySet[Any]:
    """The subjects of `measure` (orgs or members) in the root's subtree that the user may view, in tree order."""
    _label, path_field, _name, order = SUBJECT_MODELS[measure.subject]
    model: Any = subject_model(measure)
    return model.objects.visible_to(user).filter(subtree_q(root_path, path_field)).order_by(*order)


def name_field(measure: Measure) -> str:
    return SUBJECT_MODELS[measure.subject][2]
