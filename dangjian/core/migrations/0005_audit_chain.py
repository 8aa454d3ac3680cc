"""The audit hash chain (SEC-12): sequence, previous hash and hash on every event, and the chain head. Events
already written are chained in id order. The append-only triggers are lifted for the change and put back
(on SQLite, altering the table rebuilds it, which drops them)."""

import importlib

import django.utils.timezone
from django.db import migrations, models

triggers = importlib.import_module("dangjian.core.migrations.0002_audit_append_only")


def seal_existing(apps, schema_editor):
    from dangjian.core.auditchain import GENESIS, as_stored, link

    AuditEvent = apps.get_model("core", "AuditEvent")
    Head = apps.get_model("core", "AuditChainHead")
    fields = ["id", "time", "actor_id", "actor_name", "role", "ip", "user_agent", "request_id", "action",
              "object_type", "object_id", "object_repr", "org_path", "org_name", "result", "reason", "changes"]
    prev, seq, last_id = GENESIS, 0, 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id").values(*fields)[:2000])
        if not rows:
            break
        for row in rows:
            seq += 1
            row["seq"] = seq
            row["changes"] = as_stored(row["changes"] or {})
            digest = link(prev, row)
            AuditEvent.objects.filter(id=row["id"]).update(seq=seq, prev_hash=prev, hash=digest)
            prev, last_id = digest, row["id"]
    Head.objects.create(pk=1, seq=seq, hash=prev)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_document_template'),
    ]

    operations = [
        migrations.RunPython(triggers.remove, triggers.install),
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(default=0)),
                ('hash', models.CharField(max_length=64)),
            ],
            options={
                'verbose_name': '审计日志校验链',
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, max_length=64, verbose_name='校验值'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64, verbose_name='前一条校验值'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(null=True, unique=True, verbose_name='序号'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='time',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(triggers.install, triggers.remove),
    ]
