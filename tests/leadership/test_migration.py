"""Moving 班子/届次/换届 out of orgs keeps an existing database's rows: the models change app in Django's state
only (orgs/0005, leadership/0001), the tables keep their orgs_* names, and the content types move with them.

The test takes the database back to the migration state before the move, writes a 届, a post holding and a
换届 step through the historical orgs models there, migrates forward again and reads the same rows through the
leadership models. It runs on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dangjian.leadership.models import ElectionStep, PostHolding, Term
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind

# SQLite's schema editor refuses to run inside a transaction, so there the test commits (and the data is written
# without the actions, which would audit: the append-only log cannot be flushed afterwards). PostgreSQL migrates
# inside the test's own transaction and rolls back; committing there would need a TRUNCATE its audit log refuses.
COMMITS = connection.vendor == "sqlite"
BEFORE = [("orgs", "0004_term_doc_no_post_end_reason")]
MOVED = ("term", "postholding", "electionstep")


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    """Migrate the test database to `targets` and return an executor whose loader knows the new state.

    On PostgreSQL the rows written in the test's transaction leave deferred foreign-key checks pending, and a
    migration that alters a table (orgs/0006 adds a column) refuses to run with those pending: check them now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _branch_and_member() -> tuple[Organization, Member]:
    """A branch and a member written straight to their tables (orgs and members do not move), without the
    actions' audit entries (see COMMITS)."""
    org = Organization.objects.add_root(instance=Organization(name="第一党支部", kind=OrgKind.BRANCH))
    member = Member.objects.create(
        org=org, name="李党员", name_pinyin="li dang yuan", name_initials="ldy", sex="M", birth_date=dt.date(1985, 3, 12),
        id_card_cipher="x", id_card_index="x", id_card_masked="1101**********0011", education="bachelor",
        occupation="civil_servant", person_category="employed", party_status="full", joined_on=dt.date(2010, 7, 1),
    )
    return org, member


@pytest.mark.django_db(transaction=COMMITS)
def test_rows_written_before_the_move_are_read_after_it() -> None:
    leaves = _leaves()
    org, member = _branch_and_member()
    type_ids = {m: ContentType.objects.get(app_label="leadership", model=m).pk for m in MOVED}
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE[0]).apps
        assert {m: ContentType.objects.get(app_label="orgs", model=m).pk for m in MOVED} == type_ids
        OldTerm = old.get_model("orgs", "Term")
        OldHolding = old.get_model("orgs", "PostHolding")
        OldStep = old.get_model("orgs", "ElectionStep")
        term = OldTerm.objects.create(org_id=org.pk, number=3, starts_on=dt.date(2023, 1, 1),
                                      planned_end=dt.date(2026, 1, 1), doc_no="批1")
        holding = OldHolding.objects.create(org_id=org.pk, term_id=term.pk, member_id=member.pk,
                                            post="secretary", starts_on=dt.date(2023, 1, 2), doc_no="任1")
        step = OldStep.objects.create(term_id=term.pk, kind="reminded", date=dt.date(2025, 7, 1), note="提醒")
    finally:
        _migrate(leaves)

    moved = Term.objects.get(pk=term.pk)
    assert (moved.org, moved.number, moved.doc_no, moved.due_on) == (org, 3, "批1", dt.date(2026, 1, 1))
    assert PostHolding.objects.get(pk=holding.pk).member == member
    assert list(moved.holdings.all()) == [PostHolding.objects.get(pk=holding.pk)]
    assert ElectionStep.objects.get(pk=step.pk).term == moved
    assert list(org.terms.all()) == [moved]
    assert {m: ContentType.objects.get(app_label="leadership", model=m).pk for m in MOVED} == type_ids
    assert not ContentType.objects.filter(app_label="orgs", model__in=MOVED).exists()
    assert (Term._meta.db_table, PostHolding._meta.db_table, ElectionStep._meta.db_table) == (
        "orgs_term", "orgs_postholding", "orgs_electionstep")
