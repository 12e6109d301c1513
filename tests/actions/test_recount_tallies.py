"""manage.py recount_tallies: the figures' tallies counted again after a change made outside the app."""

from io import StringIO

from django.core.management import call_command

from actions.models import StatusTally
from plans.models import Plan
from tests.reports.test_tallies import assert_tallies_current


def _recount():
    out = StringIO()
    call_command("recount_tallies", stdout=out)
    return out.getvalue()


def test_tallies_changed_by_hand_are_counted_again_and_the_plan_named(town_data):
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    other = Plan.objects.get(slug="nakai-dx-2.0")
    StatusTally.objects.filter(plan=plan, fiscal_year=2025).delete()

    output = _recount()

    assert f"{plan}：数え直す前の集計と違っていました。" in output
    assert str(other) not in output
    assert_tallies_current(plan)
    assert_tallies_current(other)


def test_current_tallies_are_left_as_they_were(town_data):
    before = sorted(StatusTally.objects.values_list("plan_id", "fiscal_year", "status", "count"))
    output = _recount()
    assert "どの計画も、数え直す前の集計と同じでした。" in output
    assert (
        sorted(StatusTally.objects.values_list("plan_id", "fiscal_year", "status", "count"))
        == before
    )
