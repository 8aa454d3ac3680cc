"""The shared org reads: the default subtree root, one org within scope, the filter's org choices."""

from __future__ import annotations

import pytest
from django.http import Http404

from dangjian.orgs.queries import default_root, get_org_for_user
from tests.world import World


def test_default_root_is_the_first_view_root(world: World) -> None:
    assert default_root(world.admin) == world.root
    assert default_root(world.viewer) == world.general
    assert default_root(world.secretary) == world.a1


def test_default_root_is_none_without_a_view_scope(world: World) -> None:
    assert default_root(world.nobody) is None


def test_get_org_for_user_answers_404_outside_the_scope(world: World) -> None:
    assert get_org_for_user(world.secretary, world.a1.pk) == world.a1
    with pytest.raises(Http404):
        get_org_for_user(world.secretary, world.b.pk)
    with pytest.raises(Http404):
        get_org_for_user(world.secretary, 987654)
