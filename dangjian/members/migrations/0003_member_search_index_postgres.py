"""PostgreSQL only: an index that answers a name search's count within a subtree from the index alone.

The member search filters a subtree's on-roll members by a substring of the name (`name LIKE '%王%'`) or a
pinyin prefix; the count beside the page read every matching subtree member's heap row (64,000 rows for a
province at 2·10⁶ members). With (org_id, state) and the three name columns in the index, PostgreSQL counts with
an index-only scan per branch. A trigram index would not serve: a search is one or two Chinese characters, fewer
than a trigram. SQLite is left as it is (its count is as fast without, and every index slows the imports); the
model does not declare the index, so nothing else depends on it.
"""

from django.db import migrations

NAME = "members_org_state_names"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON members_member (org_id, state) "
            "INCLUDE (name, name_initials, name_pinyin)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_alter_memberevent_kind_and_more"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
