"""Existing items keep their numbers, now as text (12 -> 「12」) with the derived
matching and ordering keys. Existing statuses start in the round's state that
matches where they are: 承認 in a locked year, 入力済み otherwise.
"""

from django.db import migrations

from actions import codes


def carry_over(apps, schema_editor):
    ActionItem = apps.get_model("actions", "ActionItem")
    items = list(ActionItem.objects.all())
    for item in items:
        item.code = str(item.number)
        item.code_key = codes.normalise(item.code)
        item.sort_key = codes.sort_key(item.code_key)
    ActionItem.objects.bulk_update(items, ["code", "code_key", "sort_key"], batch_size=500)

    YearlyStatus = apps.get_model("actions", "YearlyStatus")
    EvaluationYear = apps.get_model("actions", "EvaluationYear")
    YearlyStatus.objects.exclude(status="").update(state="entered")
    for plan_id, fiscal_year in EvaluationYear.objects.filter(is_locked=True).values_list(
        "plan_id", "fiscal_year"
    ):
        YearlyStatus.objects.filter(
            item__plan_id=plan_id, fiscal_year=fiscal_year
        ).exclude(status="").update(state="approved")


def back_to_numbers(apps, schema_editor):
    ActionItem = apps.get_model("actions", "ActionItem")
    items = list(ActionItem.objects.all())
    for position, item in enumerate(sorted(items, key=lambda i: (i.plan_id, i.sort_key)), 1):
        item.number = int(item.code_key) if item.code_key.isdigit() else 100000 + position
    ActionItem.objects.bulk_update(items, ["number"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("actions", "0004_item_codes_and_round")]

    operations = [migrations.RunPython(carry_over, back_to_numbers)]
