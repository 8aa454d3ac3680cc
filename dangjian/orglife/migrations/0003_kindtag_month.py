from django.db import migrations, models
from django.db.models.functions import ExtractMonth, ExtractYear


def fill_month(apps, schema_editor):
    """Existing tags get their month key in one UPDATE."""
    tag = apps.get_model("orglife", "MeetingKindTag")
    tag.objects.update(month=ExtractYear("held_on") * 100 + ExtractMonth("held_on"))


class Migration(migrations.Migration):

    dependencies = [
        ("orglife", "0002_heart_talk"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingkindtag",
            name="month",
            field=models.PositiveIntegerField(default=0, help_text="held_on 的年月，如 202501", verbose_name="年月"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_month, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="meetingkindtag",
            index=models.Index(fields=["kind", "org", "month", "submitted"], name="orglife_kindtag_kind_org_month"),
        ),
    ]
