"""Server time of the dashboard with 10,000 items and five years of statuses.

    DEBUG=1 .venv/bin/python benchmarks/dashboard.py [--items 10000] [--years 5] [--runs 15]

Builds a throwaway SQLite database in a temporary directory, fills it through
bulk_create, and times GET / with Django's test client (the median of several
runs after one warm-up). The aim is under 100 ms.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_path):
    os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nakai_dx.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(item_count, year_count):
    import datetime

    from actions.models import ActionItem, EvaluationYear, Status, YearlyStatus
    from plans.models import Plan, PriorityArea

    plan = Plan.objects.create(
        slug="bench-plan",
        name="ベンチマーク計画",
        version="1.0",
        published_on=datetime.date(2023, 8, 1),
        period_start=datetime.date(2023, 8, 1),
        period_end=datetime.date(2030, 3, 31),
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
    # Every 20th item is listed again (再掲) under the next area.
    Listing = ActionItem.relisted_areas.through
    Listing.objects.bulk_create(
        [
            Listing(
                actionitem_id=item.pk, priorityarea_id=areas[(int(item.code) + 1) % len(areas)].pk
            )
            for item in items[::20]
        ],
        batch_size=2000,
    )
    choices = [value for value, _ in Status.choices] + [""]
    randomiser = random.Random(2025)
    first_year = 2025 - year_count + 1
    for year in range(first_year, 2026):
        YearlyStatus.objects.bulk_create(
            [
                YearlyStatus(item=item, fiscal_year=year, status=randomiser.choice(choices))
                for item in items
            ],
            batch_size=2000,
        )
        EvaluationYear.objects.create(
            plan=plan, fiscal_year=year, is_locked=True, is_published=True
        )
    return plan


def measure(runs):
    from django.db import connection
    from django.test import Client

    client = Client()
    response = client.get("/")  # warm-up: templates, plotly-free JSON, SQLite cache
    assert response.status_code == 200, response.status_code
    assert "取組数" in response.content.decode()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get("/")
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get("/")
        timings.append((time.perf_counter() - start) * 1000)
    return timings, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nakai-bench-") as directory:
        setup_django(Path(directory) / "bench.sqlite3")
        started = time.perf_counter()
        build(args.items, args.years)
        built = time.perf_counter() - started
        timings, query_count = measure(args.runs)
    print(
        f"データ: 取組 {args.items:,}件 × {args.years}年度（達成状況 {args.items * args.years:,}件）、作成 {built:.1f}秒"
    )
    print(f"ダッシュボード（GET /）: {query_count} クエリ")
    print(
        f"  中央値 {statistics.median(timings):.1f} ms / 最小 {min(timings):.1f} ms / "
        f"最大 {max(timings):.1f} ms（{args.runs}回）"
    )


if __name__ == "__main__":
    main()
