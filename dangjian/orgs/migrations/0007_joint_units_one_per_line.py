"""Joint units one per line without blank lines, as Organization.save() now keeps them (the 组织设置 checks count
them in SQL by their line breaks)."""

from django.db import migrations


def normalize(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    for pk, text in Organization.objects.exclude(joint_units="").values_list("pk", "joint_units").iterator():
        clean = "\n".join(u.strip() for u in text.splitlines() if u.strip())
        if clean != text:
            Organization.objects.filter(pk=pk).update(joint_units=clean)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0006_org_name_initials")]

    operations = [migrations.RunPython(normalize, migrations.RunPython.noop)]
