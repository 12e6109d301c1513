"""取組番号 as text codes, the yearly round's item states and the round on EvaluationYear.

The schema only; 0005 carries the existing data over and 0006 drops the old
integer number. (On PostgreSQL a migration may not update rows and then
build indexes on the same tables.)
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0003_yearly_status_index"),
        ("plans", "0002_plan_in_force_from"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="actionitem",
            name="code",
            field=models.CharField(
                default="",
                help_text="計画書のとおりの番号（例: 12、A-01、1-(2)-③）。",
                max_length=30,
                verbose_name="取組番号",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="actionitem",
            name="code_key",
            field=models.CharField(
                default="", editable=False, max_length=30, verbose_name="取組番号（照合用）"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="actionitem",
            name="sort_key",
            field=models.CharField(
                default="", editable=False, max_length=390, verbose_name="並び順"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="yearlystatus",
            name="state",
            field=models.CharField(
                choices=[
                    ("not_entered", "未入力"),
                    ("entered", "入力済み"),
                    ("submitted", "提出"),
                    ("approved", "承認"),
                    ("returned", "差戻し"),
                ],
                default="not_entered",
                max_length=20,
                verbose_name="評価作業の状態",
            ),
        ),
        migrations.AddField(
            model_name="yearlystatus",
            name="state_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="状態の変更日時"),
        ),
        migrations.AddField(
            model_name="yearlystatus",
            name="state_changed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="状態の変更者",
            ),
        ),
        migrations.AddField(
            model_name="yearlystatus",
            name="return_reason",
            field=models.TextField(blank=True, verbose_name="差戻しの理由"),
        ),
        migrations.AddField(
            model_name="evaluationyear",
            name="deadline",
            field=models.DateField(blank=True, null=True, verbose_name="締切日"),
        ),
        migrations.AddField(
            model_name="evaluationyear",
            name="round_opened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="評価作業の開始日時"),
        ),
        migrations.AddField(
            model_name="evaluationyear",
            name="round_opened_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="evaluationyear",
            name="round_closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="評価作業の終了日時"),
        ),
        migrations.AddField(
            model_name="evaluationyear",
            name="round_closed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        # Nullable first, so that going back can re-add the column before refilling it.
        migrations.AlterField(
            model_name="actionitem",
            name="number",
            field=models.PositiveIntegerField(null=True, verbose_name="取組番号"),
        ),
    ]
