"""Running the migrations backwards and forwards in a test: a database as an older release
left it, migrated to the release under test.

A test module imports ``back_to_the_latest`` (an autouse fixture: the test database is left
at the latest migrations, whatever the test migrated to) and calls ``migrate(targets)`` for
the historical models at those migrations.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate the test database to ``targets``; the apps (historical models) there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_the_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def back_to_the_latest():
    """Leave the test database at the latest migrations, whatever the test migrated to."""
    yield
    migrate_to_the_latest()


def historical_plan(apps, town, slug, version, published_on, period_end):
    """A Plan of the historical ``apps`` (its other fields as every plan has them)."""
    return apps.get_model("plans", "Plan").objects.create(
        town=town,
        slug=slug,
        name="DX推進計画",
        version=version,
        published_on=published_on,
        period_start=datetime.date(2023, 8, 1),
        period_end=period_end,
    )
