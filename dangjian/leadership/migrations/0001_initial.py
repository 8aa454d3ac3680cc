"""班子, 届次 and 换届 move from orgs into this app, in Django's state only.

The tables were created by orgs/0002 and orgs/0004 and keep their names (orgs_term, orgs_postholding,
orgs_electionstep, through Meta.db_table), so an existing database keeps every row and this migration changes
no table. orgs/0005 removed the three models from orgs' state just before. The content types are renamed to
this app (when they exist), so permissions and anything else keyed on them stay attached to the same models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("term", "postholding", "electionstep")


def move_content_types(apps, schema_editor, source="orgs", target="leadership"):
    """Rename the three models' content types from `source` to `target` (none exist yet on a fresh database)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="leadership", target="orgs")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0001_initial"),
        ("orglife", "0001_initial"),
        ("orgs", "0005_leadership_to_own_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Term',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(verbose_name='届次')),
                        ('starts_on', models.DateField(verbose_name='任期开始')),
                        ('planned_end', models.DateField(verbose_name='任期届满')),
                        ('adjusted_end', models.DateField(blank=True, null=True, verbose_name='经批准调整后的届满日期')),
                        ('adjustment_doc_no', models.CharField(blank=True, max_length=100, verbose_name='调整批复文号')),
                        ('doc_no', models.CharField(blank=True, max_length=100, verbose_name='选举结果批复文号')),
                        ('closed_on', models.DateField(blank=True, null=True, verbose_name='换届日期')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='记录时间')),
                        ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='terms', to='orgs.organization', verbose_name='党组织')),
                    ],
                    options={
                        'verbose_name': '届次',
                        'verbose_name_plural': '届次',
                        'db_table': 'orgs_term',
                        'ordering': ['org_id', '-number'],
                    },
                ),
                migrations.CreateModel(
                    name='PostHolding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('post', models.CharField(choices=[('secretary', '书记'), ('deputy', '副书记'), ('organization', '组织委员'), ('propaganda', '宣传委员'), ('discipline', '纪检委员'), ('committee_member', '委员'), ('group_leader', '党小组组长')], max_length=24, verbose_name='职务')),
                        ('starts_on', models.DateField(verbose_name='任职日期')),
                        ('ends_on', models.DateField(blank=True, null=True, verbose_name='离任日期')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='离任原因')),
                        ('doc_no', models.CharField(blank=True, max_length=100, verbose_name='文号')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='posts', to='members.member', verbose_name='党员')),
                        ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='post_holdings', to='orgs.organization', verbose_name='党组织')),
                        ('term', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='holdings', to='leadership.term')),
                    ],
                    options={
                        'verbose_name': '班子成员',
                        'verbose_name_plural': '班子成员',
                        'db_table': 'orgs_postholding',
                        'ordering': ['org_id', 'post', '-starts_on'],
                    },
                ),
                migrations.CreateModel(
                    name='ElectionStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('reminded', '提醒换届'), ('requested', '换届请示'), ('approved_plan', '上级批复'), ('elected', '召开大会选举'), ('reported', '选举结果报批/备案'), ('confirmed', '上级批准'), ('extended', '批准延期换届'), ('advanced', '批准提前换届')], max_length=16, verbose_name='步骤')),
                        ('date', models.DateField(verbose_name='日期')),
                        ('doc_no', models.CharField(blank=True, max_length=100, verbose_name='文号')),
                        ('note', models.CharField(blank=True, max_length=500, verbose_name='说明')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='记录时间')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orglife.meeting', verbose_name='选举大会')),
                        ('term', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='steps', to='leadership.term', verbose_name='届次')),
                    ],
                    options={
                        'verbose_name': '换届步骤',
                        'verbose_name_plural': '换届步骤',
                        'db_table': 'orgs_electionstep',
                        'ordering': ['term_id', 'date', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='term',
                    constraint=models.UniqueConstraint(fields=('org', 'number'), name='orgs_term_unique_org_number'),
                ),
                migrations.AddConstraint(
                    model_name='term',
                    constraint=models.UniqueConstraint(condition=models.Q(('closed_on__isnull', True)), fields=('org',), name='orgs_term_one_open_per_org', violation_error_message='该党组织已有未换届的届次'),
                ),
                migrations.AddIndex(
                    model_name='postholding',
                    index=models.Index(fields=['org', 'post', 'ends_on'], name='orgs_holding_org_post'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
