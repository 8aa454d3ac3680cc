"""Scoping: subtree ranges, role scopes per persona, and what each persona's querysets contain."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.crypto import DecryptionError, provider
from dangjian.core.scoping import ALPHABET, collapse_roots, path_upper_bound, scope_for
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

step = st.text(alphabet=ALPHABET, min_size=4, max_size=4)


@given(st.lists(step, min_size=1, max_size=4), st.lists(step, min_size=0, max_size=3), st.lists(step, min_size=1, max_size=4))
def test_upper_bound_separates_a_subtree_from_everything_else(prefix, below, other):
    root = "".join(prefix)
    inside = root + "".join(below)
    outside = "".join(other)
    upper = path_upper_bound(root)
    assert root <= inside and (upper is None or inside < upper)
    if not outside.startswith(root):
        assert outside < root or (upper is not None and outside >= upper)


def test_collapse_roots_drops_nested_paths():
    assert collapse_roots({"0001", "00010002", "0002", "000200030004"}) == ["0001", "0002"]


def test_admin_sees_everything(world):
    assert Member.objects.visible_to(world.admin).count() == 3
    assert Organization.objects.visible_to(world.admin).count() == 6


def test_secretary_sees_only_their_branch(world):
    assert set(Member.objects.visible_to(world.secretary).values_list("name", flat=True)) == {"李党员"}
    assert set(Organization.objects.visible_to(world.secretary).values_list("name", flat=True)) == {
        "第一党支部", "第一党小组",
    }


def test_outsider_sees_nothing_under_the_other_general_branch(world):
    assert set(Member.objects.visible_to(world.outsider).values_list("name", flat=True)) == {"钱三支"}
    assert not Organization.objects.visible_to(world.outsider).filter(pk=world.a1.pk).exists()


def test_viewer_reads_but_cannot_change(world):
    assert Member.objects.visible_to(world.viewer).count() == 2
    assert Member.objects.visible_to(world.viewer, "change").count() == 0


def test_member_sees_own_record_and_own_branch(world):
    assert list(Member.objects.visible_to(world.member_user)) == [world.member]
    assert list(Organization.objects.visible_to(world.member_user)) == [world.a1]
    assert Member.objects.visible_to(world.member_user, "change").count() == 0


def test_the_three_administrators_see_no_business_data(world):
    for user in (world.sysadmin, world.secadmin, world.auditor, world.nobody):
        assert Member.objects.visible_to(user).count() == 0
        assert Organization.objects.visible_to(user).count() == 0
    assert scope_for(world.auditor).system_roles == {"auditor"}


def test_encryption_round_trips_and_detects_tampering():
    stored = provider().encrypt("11010519491231002X", "t|f")
    assert "11010519491231002X" not in stored
    assert provider().decrypt(stored, "t|f") == "11010519491231002X"
    for bad_aad, bad_stored in (("other|f", stored), ("t|f", stored[:-2] + ("00" if stored[-2:] != "00" else "11"))):
        try:
            provider().decrypt(bad_stored, bad_aad)
        except DecryptionError:
            continue
        raise AssertionError("tampered ciphertext decrypted")


def test_blind_index_is_deterministic_and_keyed():
    a = provider().blind_index("11010519491231002X", "id_card")
    assert a == provider().blind_index("11010519491231002X", "id_card")
    assert a != provider().blind_index("11010519491231002X", "phone")
    assert len(a) == 64


def test_a_secretarys_own_record_inside_their_branch_adds_no_or_to_the_roll_query(world):
    """The own-record OR would join the path range with a primary key, which no index serves."""
    from dangjian.accounts.models import User
    from dangjian.members.models import Member

    own = world.make_member(world.a1, name="周书记")
    User.objects.filter(pk=world.secretary.pk).update(member=own)
    secretary = User.objects.get(pk=world.secretary.pk)
    sql = str(Member.objects.visible_to(secretary).query)
    assert " OR " not in sql
    assert Member.objects.visible_to(secretary).filter(pk=own.pk).exists()


def test_a_plain_member_still_sees_their_own_record_and_branch(world):
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    member = world.member_user
    assert list(Member.objects.visible_to(member).values_list("pk", flat=True)) == [member.member_id]
    assert Organization.objects.visible_to(member).filter(pk=Member.objects.get(pk=member.member_id).org_id).exists()
