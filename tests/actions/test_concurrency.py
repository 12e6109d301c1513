"""No lost update under real concurrency: requests in threads, each with its own connection.

Both requests start from the same version; exactly one is saved and the other
gets the stale-edit message (never a silent overwrite, never a 500). Run these
against PostgreSQL too (DATABASE_URL=postgres://…), where the row lock and
the unique constraint do the work; SQLite serialises the writers.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse

from actions import services
from actions.models import AuditEntry, Kpi, KpiActual, YearlyStatus
from tests.actions.races import side_by_side
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026
ROUNDS = 3

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def sqlite_on_disk(django_db_blocker, tmp_path_factory):
    """On SQLite, run this module on a database file, as production does.

    The test database is in memory with a shared cache, where a second writer
    fails at once ("table is locked") instead of waiting; a file database
    with the project's settings (timeout, IMMEDIATE transactions) waits.
    """
    if connections["default"].vendor != "sqlite":
        yield
        return
    settings_dict = connections.settings["default"]
    in_memory_name, in_memory = settings_dict["NAME"], connections["default"]
    settings_dict["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "concurrency.sqlite3")
    connections["default"] = connections.create_connection("default")
    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0)
    yield
    connections["default"].close()
    settings_dict["NAME"] = in_memory_name
    connections["default"] = in_memory


@pytest.fixture
def world(sqlite_on_disk, transactional_db):
    plan = make_plan()
    section = make_section()
    (item,) = make_items(plan, plan.areas.first(), 1, section=section)
    kpi = Kpi.objects.create(item=item, name="利用件数", unit="件")
    alice = make_user("alice", "staff", [section])
    bob = make_user("bob", "staff", [section])
    return {"item": item, "kpi": kpi, "users": [alice, bob]}


def _signed_in_client(user):
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def _edit_url(item):
    return reverse("actions:edit_status", args=[item.plan.slug, YEAR, item.code_key])


def _post(client, item, data):
    return lambda: client.post(_edit_url(item), data)


def _outcomes(responses):
    for response in responses:
        assert not isinstance(response, Exception), repr(response)
    return sorted(
        "saved"
        if r.status_code == 302
        else "stale"
        if "ほかの人の変更と重なりました" in r.text
        else r.status_code
        for r in responses
    )


def test_two_saves_from_the_same_version_save_one_and_refuse_the_other(world):
    item, (alice, bob) = world["item"], world["users"]
    services.record_status(item, YEAR, status="not_achieved", comment="遅れ", user=alice)
    clients = [_signed_in_client(alice), _signed_in_client(bob)]
    for round_number in range(ROUNDS):
        version = YearlyStatus.objects.get(item=item, fiscal_year=YEAR).version
        entries = AuditEntry.objects.count()
        responses = side_by_side(
            [
                _post(
                    client,
                    item,
                    {
                        "status": status,
                        "comment": f"{client_name} {round_number}",
                        "evidence": "",
                        "version": str(version),
                    },
                )
                for client, client_name, status in [
                    (clients[0], "alice", "achieved"),
                    (clients[1], "bob", "partially_achieved"),
                ]
            ]
        )
        assert _outcomes(responses) == ["saved", "stale"]
        saved = YearlyStatus.objects.get(item=item, fiscal_year=YEAR)
        assert saved.version == version + 1
        assert AuditEntry.objects.count() == entries + 1
        winner = responses[0] if responses[0].status_code == 302 else responses[1]
        loser = responses[1] if winner is responses[0] else responses[0]
        # The refused user sees the other change and keeps their own input.
        assert saved.comment in loser.text
        assert f'name="version" value="{saved.version}"' in loser.text
        assert winner.status_code == 302


def _fresh_item(world):
    item = world["item"]
    (fresh,) = make_items(item.plan, item.primary_area, 1, section=item.section)
    return fresh


def test_two_first_saves_create_one_row_and_refuse_the_other(world):
    alice, bob = world["users"]
    clients = [_signed_in_client(alice), _signed_in_client(bob)]
    data = {"comment": "", "evidence": "", "version": "0"}
    for _round in range(ROUNDS):
        item = _fresh_item(world)
        entries = AuditEntry.objects.count()
        responses = side_by_side(
            [
                _post(clients[0], item, {**data, "status": "achieved"}),
                _post(clients[1], item, {**data, "status": "partially_achieved"}),
            ]
        )
        assert _outcomes(responses) == ["saved", "stale"]
        assert YearlyStatus.objects.filter(item=item, fiscal_year=YEAR).count() == 1
        assert YearlyStatus.objects.get(item=item, fiscal_year=YEAR).version == 1
        assert AuditEntry.objects.count() == entries + 1


def test_two_first_kpi_actuals_save_one_and_refuse_the_other(world):
    alice, bob = world["users"]
    clients = [_signed_in_client(alice), _signed_in_client(bob)]
    for _round in range(ROUNDS):
        item = _fresh_item(world)
        kpi = Kpi.objects.create(item=item, name="利用件数", unit="件")
        data = {
            "status": "",
            "comment": "",
            "evidence": "",
            "version": "0",
            f"kpi_{kpi.pk}_original": "",
        }
        responses = side_by_side(
            [
                _post(clients[0], item, {**data, f"kpi_{kpi.pk}": "10"}),
                _post(clients[1], item, {**data, f"kpi_{kpi.pk}": "20"}),
            ]
        )
        assert _outcomes(responses) == ["saved", "stale"]
        assert KpiActual.objects.filter(kpi=kpi, fiscal_year=YEAR).count() == 1


def test_the_service_refuses_a_concurrent_stale_version(world):
    item, (alice, bob) = world["item"], world["users"]
    services.record_status(item, YEAR, status="not_achieved", comment="遅れ", user=alice)

    def save(user, status):
        def call():
            return services.record_status(item, YEAR, status=status, user=user, expected_version=1)

        return call

    results = side_by_side([save(alice, "achieved"), save(bob, "partially_achieved")])
    kinds = sorted(type(result).__name__ for result in results)
    assert kinds == ["StaleEditError", "tuple"]
    assert YearlyStatus.objects.get(item=item, fiscal_year=YEAR).version == 2


def test_a_managers_lock_waits_for_a_save_already_under_way(world):
    """The save holds the year's row from its lock check to its commit: no status lands in a locked year."""
    import time

    from django.db import transaction

    from actions.models import EvaluationYear

    item = world["item"]
    EvaluationYear.objects.create(plan=item.plan, fiscal_year=YEAR)  # open, not locked
    checked, events = threading.Event(), []

    def save():
        try:
            with transaction.atomic():
                assert services.is_year_locked(item.plan, YEAR, for_update=True) is False
                checked.set()
                time.sleep(0.5)  # the rest of the save, while a manager presses 確定
                services.record_status(item, YEAR, status="achieved", locked_years=set())
            events.append("saved")
        finally:
            connections.close_all()

    def lock():
        try:
            checked.wait(5)
            services.lock_year(item.plan, YEAR, reason="試験のため未承認のまま確定")
            events.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save), threading.Thread(target=lock)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert events == ["saved", "locked"]
    assert YearlyStatus.objects.get(item=item, fiscal_year=YEAR).status == "achieved"
    assert EvaluationYear.objects.get(plan=item.plan, fiscal_year=YEAR).is_locked
