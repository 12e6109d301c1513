"""Count the figures' tallies (StatusTally) again from the item and status rows.

Every write counts its own plan-years again (plans.versions.data_changed), so
this is for after a change made outside the app (SQL by hand, a restore of one
table): it says which plans differed, and marks every cached figure as changed.
"""

from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from actions.models import StatusTally
from plans.models import Plan
from plans.versions import data_changed


def _snapshot():
    rows = StatusTally.objects.values_list(
        "plan_id", "fiscal_year", "area_id", "section_id", "relisted", "status", "state", "count"
    )
    return Counter({row[:-1]: row[-1] for row in rows})


class Command(BaseCommand):
    help = "達成度の集計（取組数・達成状況ごとの件数）を、取組と達成状況の行から数え直します。"

    def handle(self, *args, **options):
        with transaction.atomic():
            before = _snapshot()
            data_changed()
            after = _snapshot()
        differed = {key[0] for key in (before - after) + (after - before)}
        plans = list(Plan.objects.order_by("pk"))
        self.stdout.write(f"{len(plans)}件の計画の集計を数え直しました。")
        for plan in plans:
            if plan.pk in differed:
                self.stdout.write(
                    self.style.WARNING(f"  {plan}：数え直す前の集計と違っていました。")
                )
        if not differed:
            self.stdout.write("  どの計画も、数え直す前の集計と同じでした。")
