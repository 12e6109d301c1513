"""Accounts, import jobs, reminders and history belong to a town: a database from before
towns had one (plans 0005 made it), and every row goes to it; a history entry goes to its
plan's, item's or section's town where it names one."""

import django.db.models.deletion
from django.db import migrations, models

import plans.models

OWNED = ["staffprofile", "importjob", "reminderlog"]


def carry_over(apps, schema_editor):
    Town = apps.get_model("plans", "Town")
    town = Town.objects.order_by("pk").first()
    AuditEntry = apps.get_model("actions", "AuditEntry")
    ActionItem = apps.get_model("actions", "ActionItem")
    Plan = apps.get_model("plans", "Plan")
    Section = apps.get_model("plans", "Section")
    if town is None:
        return
    for name in OWNED:
        apps.get_model("actions", name).objects.update(town=town)
    # Each plan's, item's and section's town: one UPDATE per town, not per row.
    for town_id in Plan.objects.values_list("town_id", flat=True).distinct():
        plans = Plan.objects.filter(town_id=town_id)
        AuditEntry.objects.filter(town__isnull=True, plan__in=plans).update(town_id=town_id)
        AuditEntry.objects.filter(
            town__isnull=True, item__in=ActionItem.objects.filter(plan__in=plans)
        ).update(town_id=town_id)
    for town_id in Section.objects.values_list("town_id", flat=True).distinct():
        AuditEntry.objects.filter(
            town__isnull=True, section__in=Section.objects.filter(town_id=town_id)
        ).update(town_id=town_id)
    AuditEntry.objects.filter(town__isnull=True).update(town=town)


def town_field(null):
    return models.ForeignKey(
        null=null,
        default=None if null else plans.models.only_town,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="plans.town",
        verbose_name="団体",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0014_item_by_area_code"),
        ("plans", "0005_towns"),
    ]

    operations = [
        *[migrations.AddField(name, "town", town_field(null=True)) for name in OWNED],
        migrations.AddField(
            "auditentry",
            "town",
            models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="plans.town", verbose_name="団体"),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        *[migrations.AlterField(name, "town", town_field(null=False)) for name in OWNED],
    ]
