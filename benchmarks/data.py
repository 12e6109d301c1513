"""Data for the benchmarks: the town's, or a plan with as many status rows as asked.

    python benchmarks/data.py town            # the town's data, and a draft year of plan 2.0
    python benchmarks/data.py rows 100000     # 20,000 items × 5 years, the last one a draft

Run against the database of DATABASE_URL (migrated first). Also writes a
signed-in manager's session key to stdout (``session=...``) for the draft views.
"""

import datetime
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEARS = 5
FIRST_YEAR = 2021


def build_rows(rows, years=YEARS):
    """A plan of rows/years items in 6 areas (every 20th 再掲), statuses for each year.

    All years but the last are locked and published; the last is a draft.
    """
    from actions.models import ActionItem, EvaluationYear, Status, YearlyStatus
    from plans.models import Plan, PriorityArea
    from plans.versions import data_changed

    item_count = max(rows // years, 1)
    plan = Plan.objects.create(
        slug="bench-plan",
        name="ベンチマーク計画",
        version="1.0",
        published_on=datetime.date(FIRST_YEAR, 8, 1),
        period_start=datetime.date(FIRST_YEAR, 4, 1),
        period_end=datetime.date(FIRST_YEAR + years + 2, 3, 31),
    )
    areas = PriorityArea.objects.bulk_create(
        [PriorityArea(plan=plan, number=n, name=f"区分{n}") for n in range(1, 7)]
    )
    items = [
        ActionItem(plan=plan, code=str(n), title=f"取組{n}", primary_area=areas[n % len(areas)])
        for n in range(1, item_count + 1)
    ]
    for item in items:
        item.fill_code_keys()
    items = ActionItem.objects.bulk_create(items, batch_size=2000)
    listing = ActionItem.relisted_areas.through
    listing.objects.bulk_create(
        [
            listing(actionitem_id=item.pk, priorityarea_id=areas[(n + 1) % len(areas)].pk)
            for n, item in enumerate(items)
            if n % 20 == 0
        ],
        batch_size=2000,
    )
    choices = [value for value, _ in Status.choices] + [""]
    randomiser = random.Random(2025)
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        YearlyStatus.objects.bulk_create(
            [
                YearlyStatus(item=item, fiscal_year=year, status=randomiser.choice(choices))
                for item in items
            ],
            batch_size=2000,
        )
        draft = year == FIRST_YEAR + years - 1
        EvaluationYear.objects.create(
            plan=plan, fiscal_year=year, is_locked=not draft, is_published=not draft
        )
    data_changed(plan)  # bulk writes send no signal
    return plan, FIRST_YEAR + years - 1


def import_plan(item_count, years, slug="bench-1.0"):
    """The plan the workbook-import benchmarks import into: items 1…item_count in 6 areas, no statuses."""
    from actions.models import ActionItem
    from plans.models import Plan, PriorityArea

    plan = Plan.objects.create(
        slug=slug,
        name="ベンチマーク計画",
        version="1.0",
        published_on=datetime.date(2024, 4, 1),
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024 + years, 3, 31),
    )
    areas = [PriorityArea.objects.create(plan=plan, number=n, name=f"区分{n}") for n in range(1, 7)]
    items = [
        ActionItem(plan=plan, code=str(n), title=f"取組{n}", primary_area=areas[n % 6])
        for n in range(1, item_count + 1)
    ]
    for item in items:
        item.fill_code_keys()
    ActionItem.objects.bulk_create(items, batch_size=2000)
    return plan


def build_town():
    """The town's data, and statuses of plan 2.0's items for 令和8年度 as a draft."""
    from django.core.management import call_command

    from actions import services
    from actions.models import ActionItem, Status
    from plans.models import Plan

    call_command("load_town_data", verbosity=0)
    plan = Plan.objects.get(slug="nakai-dx-2.0")
    items = list(ActionItem.objects.filter(plan=plan))
    statuses = [Status.ACHIEVED, Status.PARTIALLY_ACHIEVED, Status.NOT_ACHIEVED]
    services.record_statuses(
        [
            services.StatusEntry(item, 2026, statuses[n % 3], "ベンチマーク用の下書き")
            for n, item in enumerate(items)
        ]
    )
    return plan, 2026


def analyse():
    """The planner's statistics, as autovacuum gathers them soon after a load.

    Measured before that, a freshly filled PostgreSQL database is planned as if
    its tables were nearly empty, and then, at some moment of the run, it is not.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def manager_session():
    """A signed-in manager's session key (the draft views are theirs)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from actions.permissions import MANAGER_GROUP

    user = get_user_model().objects.create_user("bench-manager", password="unused-9271")
    user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nakai_dx.settings")
    import django

    django.setup()
    if sys.argv[1] == "town":
        plan, draft_year = build_town()
        public_plan, public_year = "nakai-dx-1.0", 2025
    else:
        plan, draft_year = build_rows(int(sys.argv[2]))
        public_plan, public_year = plan.slug, draft_year - 1
    analyse()
    print(f"plan={plan.slug}")
    print(f"draft_year={draft_year}")
    print(f"public_plan={public_plan}")
    print(f"public_year={public_year}")
    print(f"session={manager_session()}")


if __name__ == "__main__":
    main()
