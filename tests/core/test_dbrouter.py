"""The primary/replica router's decisions (core/dbrouter.py), without a running replica: which alias a read or a
write is sent to, when the primary is pinned, and that nothing changes without DATABASE_REPLICA_URL. The real
replica is exercised by tests/core/test_replica.py (marker `replica`, run by .ci/run after scripts/replica)."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.urls import reverse

from dangjian.core import dbrouter
from dangjian.core.dbrouter import REPLICA, reading_from_replica, unit_of_work
from dangjian.core.models import AuditEvent
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


@pytest.fixture
def replica_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `replica` alias in settings, as DATABASE_REPLICA_URL defines it; these tests never open it."""
    monkeypatch.setitem(django_settings.DATABASES, REPLICA, {**django_settings.DATABASES["default"]})


def test_without_a_replica_every_read_goes_to_the_primary():
    assert REPLICA not in django_settings.DATABASES
    with unit_of_work(), reading_from_replica():
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS


@pytest.mark.usefixtures("replica_alias")
def test_only_marked_reads_go_to_the_replica():
    with unit_of_work():
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS
        with reading_from_replica():
            assert router.db_for_read(Member) == REPLICA
            assert router.db_for_read(Organization) == REPLICA
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS


@pytest.mark.usefixtures("replica_alias")
def test_a_write_keeps_later_reads_of_the_unit_of_work_on_the_primary():
    with unit_of_work(), reading_from_replica():
        assert router.db_for_read(Member) == REPLICA
        assert router.db_for_write(Member) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS
    with unit_of_work(), reading_from_replica():
        assert router.db_for_read(Member) == REPLICA  # the next unit of work starts unpinned


@pytest.mark.usefixtures("replica_alias")
def test_audit_and_session_writes_do_not_pin_an_export_to_the_primary():
    with unit_of_work(), reading_from_replica():
        for model in (AuditEvent, Session):
            assert router.db_for_write(model) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Member) == REPLICA


@pytest.mark.usefixtures("replica_alias")
def test_a_pinned_unit_of_work_and_security_state_read_from_the_primary():
    with unit_of_work(pinned=True), reading_from_replica():
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS
    with unit_of_work(), reading_from_replica():
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS


@pytest.mark.usefixtures("replica_alias")
@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary():
    # The test itself runs in a transaction (pytest-django's db); an explicit one for clarity.
    with unit_of_work(), reading_from_replica(), transaction.atomic():
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS


@pytest.mark.usefixtures("replica_alias")
def test_writes_and_migrations_never_go_to_the_replica():
    member = Member()
    member._state.db = REPLICA  # as if read from the replica
    with unit_of_work(), reading_from_replica():
        assert router.db_for_write(Member, instance=member) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "members", model_name="member") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "members", model_name="member") is True
    from_primary = Member()
    from_primary._state.db = DEFAULT_DB_ALIAS
    assert router.allow_relation(member, from_primary) is True


@pytest.mark.usefixtures("replica_alias")
def test_a_post_pins_the_browser_to_the_primary_and_a_get_does_not(world, login):
    client = login(world.admin)
    client.get(reverse("core:home"))
    assert dbrouter.PIN_SESSION_KEY not in client.session
    before = time.time()
    client.post(reverse("accounts:elder_mode"), {"on": "1"})
    pinned_until = client.session[dbrouter.PIN_SESSION_KEY]
    assert before + django_settings.DANGJIAN_REPLICA_PIN_SECONDS <= pinned_until
    assert pinned_until <= time.time() + django_settings.DANGJIAN_REPLICA_PIN_SECONDS


def test_without_a_replica_a_post_leaves_the_session_alone(world, login):
    client = login(world.admin)
    client.post(reverse("accounts:elder_mode"), {"on": "1"})
    assert dbrouter.PIN_SESSION_KEY not in client.session
