"""班子, 届次 and 换届 (Term, PostHolding, ElectionStep) leave orgs for the leadership app, in Django's state only.

Their tables stay where they are, under their orgs_* names; leadership/0001 takes the models over in state.
No table or row changes, so existing SQLite and PostgreSQL databases keep their data.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0004_term_doc_no_post_end_reason"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ElectionStep"),
                migrations.DeleteModel(name="PostHolding"),
                migrations.DeleteModel(name="Term"),
            ],
        ),
    ]
