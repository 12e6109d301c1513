from django.db import migrations, models


def fiscal_year_of(date):
    return date.year if date.month >= 4 else date.year - 1


def hand_over_years(apps, schema_editor):
    """A revision takes over from the year after its predecessor's last fiscal year."""
    Plan = apps.get_model("plans", "Plan")
    for plan in Plan.objects.filter(revises__isnull=False).select_related("revises"):
        plan.in_force_from = fiscal_year_of(plan.revises.period_end) + 1
        plan.save(update_fields=["in_force_from"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="in_force_from",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="この版で評価を始める年度（西暦の開始年）。空欄は計画期間の初年度。改定版は、改定元の版の最後の評価年度の翌年度から引き継ぎます。",
                null=True,
                verbose_name="適用開始年度",
            ),
        ),
        migrations.RunPython(hand_over_years, migrations.RunPython.noop),
    ]
