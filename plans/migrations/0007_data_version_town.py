"""The data versions carry their town: a town's pages read only their own town's rows.

A plan's rows take its plan's town; the row of what every plan showed becomes
one row per town; the rows of plans deleted before are dropped (the pages that
listed them changed their key when they were deleted). Every version read
afterwards is new, so no cached page or figure of before is served again.
"""

import random

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def carry_over(apps, schema_editor):
    DataVersion = apps.get_model("plans", "DataVersion")
    Plan = apps.get_model("plans", "Plan")
    Town = apps.get_model("plans", "Town")
    plans = DataVersion.objects.exclude(plan_id=0)
    plans.exclude(plan_id__in=Plan.objects.values("pk")).delete()
    town = Plan.objects.filter(pk=OuterRef("plan_id")).values("town_id")[:1]
    plans.update(town_id=Subquery(town))
    DataVersion.objects.filter(plan_id=0).delete()
    DataVersion.objects.bulk_create(
        [DataVersion(town_id=pk, version=random.randrange(1, 2**40)) for pk in Town.objects.values_list("pk", flat=True)]
    )


def back(apps, schema_editor):
    DataVersion = apps.get_model("plans", "DataVersion")
    DataVersion.objects.filter(plan_id=0).delete()
    DataVersion.objects.create(version=random.randrange(1, 2**40))


class Migration(migrations.Migration):
    dependencies = [("plans", "0006_national_items_rules_printed")]

    operations = [
        migrations.RemoveConstraint(model_name="dataversion", name="unique_data_version"),
        migrations.AddField(
            model_name="dataversion",
            name="town_id",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(carry_over, back),
        migrations.AddConstraint(
            model_name="dataversion",
            constraint=models.UniqueConstraint(
                fields=("town_id", "plan_id", "fiscal_year"), name="unique_data_version"
            ),
        ),
    ]
