"""The data versions of a database from before they carried their town move to their towns."""

import datetime

import pytest

from tests.migrating import back_to_the_latest, historical_plan, migrate  # noqa: F401 (an autouse fixture)

BEFORE = [("plans", "0005_towns")]
AFTER = [("plans", "0007_data_version_town")]


def make_plan(apps, town, slug):
    return historical_plan(
        apps, town, slug, "1.0", datetime.date(2023, 8, 1), datetime.date(2026, 3, 31)
    )


@pytest.mark.django_db(transaction=True)
def test_each_row_goes_to_its_plans_town_and_every_town_gets_its_own_row():
    old = migrate(BEFORE)
    Town = old.get_model("plans", "Town")
    Version = old.get_model("plans", "DataVersion")
    Version.objects.all().delete()
    nakai = Town.objects.get(code="143618")  # the test town (tests/conftest.py)
    other = Town.objects.create(code="011002", name="札幌市", prefecture="北海道")
    mine, theirs = make_plan(old, nakai, "dx-1.0"), make_plan(old, other, "dx-1.0")
    Version.objects.create(plan_id=0, fiscal_year=0, version=1)
    for plan in (mine, theirs):
        Version.objects.create(plan_id=plan.pk, fiscal_year=0, version=2)
        Version.objects.create(plan_id=plan.pk, fiscal_year=2025, version=3)
    Version.objects.create(plan_id=theirs.pk + 100, fiscal_year=0, version=4)  # a deleted plan

    new = migrate(AFTER)
    rows = set(
        new.get_model("plans", "DataVersion").objects.values_list(
            "town_id", "plan_id", "fiscal_year"
        )
    )
    assert rows == {
        (nakai.pk, 0, 0),
        (other.pk, 0, 0),
        (nakai.pk, mine.pk, 0),
        (nakai.pk, mine.pk, 2025),
        (other.pk, theirs.pk, 0),
        (other.pk, theirs.pk, 2025),
    }
    # Every town's own row is new: no page kept before is keyed the same.
    towns = new.get_model("plans", "DataVersion").objects.filter(plan_id=0)
    assert 1 not in set(towns.values_list("version", flat=True))


@pytest.mark.django_db(transaction=True)
def test_it_goes_back_to_one_row_for_everything():
    migrate(AFTER)
    back = migrate(BEFORE)
    assert back.get_model("plans", "DataVersion").objects.filter(plan_id=0).count() == 1
