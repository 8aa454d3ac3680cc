import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("orglife", "0003_kindtag_month"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="attendance", old_name="leave_reason", new_name="reason"),
        migrations.AddField(
            model_name='attendance',
            name='excluded',
            field=models.BooleanField(default=False, verbose_name='不计入应到'),
        ),
        migrations.AddField(
            model_name='attendance',
            name='excluded_basis',
            field=models.CharField(blank=True, max_length=300, verbose_name='不计入应到的依据'),
        ),
        migrations.AddField(
            model_name='attendance',
            name='roll_note',
            field=models.CharField(blank=True, help_text='外出流动、失联等情况', max_length=200, verbose_name='在册情况'),
        ),
        migrations.AddField(
            model_name='attendance',
            name='signed_in_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='扫码签到时间'),
        ),
        migrations.AddField(
            model_name='historicalmeeting',
            name='study_hours',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='党课、主题党日等集体学习：提交时按出席情况生成学习记录，出席党员各计此学时；空则不生成', max_digits=4, null=True, verbose_name='计入学时'),
        ),
        migrations.AddField(
            model_name='meeting',
            name='study_hours',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='党课、主题党日等集体学习：提交时按出席情况生成学习记录，出席党员各计此学时；空则不生成', max_digits=4, null=True, verbose_name='计入学时'),
        ),
        migrations.AlterField(
            model_name='attendance',
            name='reason',
            field=models.CharField(blank=True, help_text='请假或缺席的原因', max_length=200, verbose_name='未出席原因'),
        ),
        migrations.CreateModel(
            name='SignIn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='签到码摘要')),
                ('opens_at', models.DateTimeField(verbose_name='开始时间')),
                ('closes_at', models.DateTimeField(verbose_name='截止时间')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signins', to='orglife.meeting', verbose_name='组织生活记录')),
                ('opened_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
            ],
            options={
                'verbose_name': '扫码签到',
                'verbose_name_plural': '扫码签到',
                'ordering': ['-opens_at', '-id'],
            },
        ),
    ]
