"""Nothing slips past 確定: saves and a lock side by side, many times, on PostgreSQL.

Each trial takes a year that has no evaluation-year row yet (no round opened,
never locked), starts staff saves and a manager's lock at the same moment,
and then checks that no write landed after the lock: either a save committed
before the lock (and the lock's recorded gaps count it) or it was refused as
locked. The year's row is created under the same lock by whoever comes first
(services.rows.hold_years), so the two always wait for each other.
"""

import pytest
from django.db import connection

from actions import services
from actions.models import ActionItem, AuditEntry, EvaluationYear, YearlyStatus
from tests.actions.races import side_by_side
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

TRIALS = 12
YEAR = 2027  # plan 2.0 令和9年度 in the report: a year nobody has opened

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks: PostgreSQL only (SQLite serialises every writer)",
    ),
]


def _trial(staff, manager):
    plan = make_plan()
    section = make_section()
    items = make_items(plan, plan.areas.first(), 40, section=section)
    assert not EvaluationYear.objects.filter(plan=plan, fiscal_year=YEAR).exists()

    def save(batch):
        return lambda: services.record_statuses(
            [services.StatusEntry(item, YEAR, "achieved") for item in batch], user=staff
        )

    def lock():
        return services.lock_year(plan, YEAR, reason="未承認のまま確定する試験", user=manager)

    *saves, locked = side_by_side([save(items[:20]), save(items[20:]), lock])
    assert not isinstance(locked, Exception), repr(locked)
    for result in saves:
        assert not isinstance(result, Exception) or isinstance(result, services.YearLockedError), (
            repr(result)
        )
    return plan, saves


def test_no_save_lands_in_a_year_after_its_lock(db):
    staff = make_user("race-staff", "staff", [])
    manager = make_user("race-manager", "manager", [])
    outcomes = set()
    for _ in range(TRIALS):
        plan, saves = _trial(staff, manager)
        lock_entry = AuditEntry.objects.get(plan=plan, action="年度評価の確定")
        # What the lock saw is what the year holds: nothing was written after it.
        recorded = {key: lock_entry.after[key] for key in ("not_evaluated", "not_approved")}
        now = ActionItem.objects.for_plan(plan).year_gaps(YEAR).as_dict()
        assert recorded == {key: now[key] for key in recorded}
        locked_at = EvaluationYear.objects.get(plan=plan, fiscal_year=YEAR).locked_at
        saved = AuditEntry.objects.filter(plan=plan, item__isnull=False)
        assert all(entry.at <= locked_at for entry in saved)
        written = YearlyStatus.objects.filter(item__plan=plan, fiscal_year=YEAR).count()
        refused = sum(isinstance(result, Exception) for result in saves)
        assert written == 20 * (len(saves) - refused)
        outcomes.add(refused)
    assert outcomes  # every trial judged
