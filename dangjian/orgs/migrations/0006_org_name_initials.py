from django.db import migrations, models


def fill_initials(apps, schema_editor):
    """Existing orgs get their name's initials, as Organization.save() keeps them from now on."""
    from dangjian.lib import pinyin

    Organization = apps.get_model("orgs", "Organization")
    batch = []
    for org in Organization.objects.only("pk", "name").iterator(chunk_size=2000):
        org.name_initials = pinyin.initials(org.name)[:100]
        batch.append(org)
        if len(batch) >= 2000:
            Organization.objects.bulk_update(batch, ["name_initials"])
            batch = []
    if batch:
        Organization.objects.bulk_update(batch, ["name_initials"])


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0005_leadership_to_own_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="name_initials",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="名称拼音首字母"),
        ),
        migrations.RunPython(fill_initials, migrations.RunPython.noop),
    ]
