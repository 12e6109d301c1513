"""Data for the benchmarks: the town's, or a plan with as many status rows as asked.

    python benchmarks/data.py town            # the town's data, and a draft year of plan 2.0
    python benchmarks/data.py rows 100000     # 20,000 items × 5 years, the last one a draft
    python benchmarks/data.py towns 1741      # 1,741 towns × one plan × 30 items × 3 years

Run against the database of DATABASE_URL (migrated first). Also writes a
signed-in manager's session key to stdout (``session=...``) for the draft views.
"""

import datetime
import os
import random
import sys
import time
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
    from plans.models import Plan, PriorityArea, Town
    from plans.versions import data_changed

    item_count = max(rows // years, 1)
    # The deployment's one town (an empty database has none yet).
    town, _ = Town.objects.get_or_create(
        code="143618", defaults={"name": "中井町", "prefecture": "神奈川県"}
    )
    plan = Plan.objects.create(
        town=town,
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
    from plans.models import Plan, PriorityArea, Town

    town, _ = Town.objects.get_or_create(
        code="143618", defaults={"name": "中井町", "prefecture": "神奈川県"}
    )
    plan = Plan.objects.create(
        town=town,
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


TOWN_ITEMS = 30
TOWN_YEARS = (2023, 2024, 2025)
TOWN_AREAS = (
    "町民サービスの向上",
    "行政事務の効率化",
    "セキュリティ対策の徹底",
    "デジタルデバイド対策",
    "地域社会のデジタル化",
)
TOWN_HOSTS = ("127.0.0.1", "testserver", "town1.localhost")  # the town the benchmarks read


def build_towns(count):
    """``count`` towns, each one plan of TOWN_ITEMS items in 5 areas and 3 sections, rated for
    TOWN_YEARS (locked and published), into an empty database: bulk_create, the statuses by
    the database itself, then one data_changed() (every town's versions, every plan's
    tallies counted at once). The first town is served on TOWN_HOSTS, and is the same
    whatever ``count``: its pages compare between deployments of 10 and 1,741 towns.
    """
    from actions.models import ActionItem, EvaluationYear
    from plans.models import Plan, PriorityArea, Section, Town, TownHost, code_check_digit
    from plans.versions import data_changed

    def code(n):
        first_five = f"{10000 + n:05d}"
        return first_five + str(code_check_digit(first_five))

    towns = Town.objects.bulk_create(
        [
            Town(code=code(n), name=f"ベンチ町{n}", prefecture="神奈川県")
            for n in range(1, count + 1)
        ],
        batch_size=1000,
    )
    TownHost.objects.bulk_create([TownHost(town=towns[0], host=host) for host in TOWN_HOSTS])
    plans = Plan.objects.bulk_create(
        [
            Plan(
                town=town,
                slug="dx-1.0",
                name=f"{town.name}DX推進計画",
                version="1.0",
                published_on=datetime.date(2023, 8, 1),
                period_start=datetime.date(2023, 8, 1),
                period_end=datetime.date(2026, 3, 31),
            )
            for town in towns
        ],
        batch_size=1000,
    )
    areas = PriorityArea.objects.bulk_create(
        [
            PriorityArea(plan=plan, number=n, name=name)
            for plan in plans
            for n, name in enumerate(TOWN_AREAS, start=1)
        ],
        batch_size=2000,
    )
    sections = Section.objects.bulk_create(
        [
            Section(town=town, name=name)
            for town in towns
            for name in ("企画課", "総務課", "福祉課")
        ],
        batch_size=2000,
    )
    items = []
    for index, plan in enumerate(plans):
        plan_areas = areas[index * len(TOWN_AREAS) : (index + 1) * len(TOWN_AREAS)]
        plan_sections = sections[index * 3 : (index + 1) * 3]
        for n in range(1, TOWN_ITEMS + 1):
            item = ActionItem(
                plan=plan,
                code=str(n),
                title=f"取組{n}",
                primary_area=plan_areas[n % len(plan_areas)],
                section=plan_sections[n % 3],
            )
            item.fill_code_keys()
            items.append(item)
    ActionItem.objects.bulk_create(items, batch_size=2000)
    for year in TOWN_YEARS:
        _rate_every_item(year)
    EvaluationYear.objects.bulk_create(
        [
            EvaluationYear(plan=plan, fiscal_year=year, is_locked=True, is_published=True)
            for plan in plans
            for year in TOWN_YEARS
        ],
        batch_size=2000,
    )
    data_changed()  # bulk writes send no signal: every town's versions, every plan's tallies
    return plans[0], TOWN_YEARS[-1]


def _rate_every_item(fiscal_year):
    """A status of every item for the year, written by the database (INSERT … SELECT).

    The status follows the item's key, so the first town's items (keys 1…30) are
    rated the same in every database built. The other columns take their defaults.
    """
    from django.db import connection
    from django.utils import timezone

    from actions.models import ActionItem, EvaluationState, Status, YearlyStatus

    quote = connection.ops.quote_name
    choices = [value for value, _ in Status.choices]
    rated = " ".join(f"WHEN {n} THEN %s" for n in range(len(choices)))
    columns, values, params = [], [], []
    for field in YearlyStatus._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.name == "item":
            values.append("item.id")
            continue
        if field.name == "status":
            values.append(f"CASE (item.id * 7 + %s) %% {len(choices)} {rated} END")
            params += [fiscal_year, *choices]
            continue
        if field.name == "fiscal_year":
            value = fiscal_year
        elif field.name == "state":
            value = EvaluationState.APPROVED
        elif getattr(field, "auto_now", False):
            value = timezone.now()
        else:
            value = field.get_default()
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(YearlyStatus._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {quote(ActionItem._meta.db_table)} item",
            params,
        )


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
    elif sys.argv[1] == "towns":
        from django.db import transaction

        started = time.perf_counter()
        with transaction.atomic():  # one commit: SQLite writes its file once
            plan, draft_year = build_towns(int(sys.argv[2]))
        public_plan, public_year = plan.slug, draft_year
        print(f"build_seconds={time.perf_counter() - started:.1f}")
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
