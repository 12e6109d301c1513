"""Bulk recording of 達成状況 and KPI actuals: record_status's rules, a constant number of queries."""

import sqlite3
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actions import services
from actions.imports.workbook.importer import WorkbookImport
from actions.imports.workbook.reader import read_upload
from actions.models import AuditEntry, Kpi, KpiActual, YearlyStatus
from actions.services import CREATED, DELETED, UNCHANGED, UPDATED, ActualEntry, StatusEntry
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section
from tests.imports.conftest import STATUS_HEADER, xlsx_bytes

YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section()
    items = make_items(plan, plan.areas.first(), 4, section=section)
    for item in items:
        item.plan = plan
    return {"plan": plan, "items": items, "user": make_user("kanri", "admin")}


def _rows():
    return {
        (row.item_id, row.fiscal_year): (row.status, row.comment, row.evidence, row.version)
        for row in YearlyStatus.objects.all()
    }


def test_it_creates_updates_and_skips_unchanged_rows(world):
    a, b, c, _ = world["items"]
    services.record_status(b, YEAR, status="achieved")
    services.record_status(c, YEAR, status="not_achieved", comment="遅れ")

    results = services.record_statuses(
        [
            StatusEntry(a, YEAR, "achieved", "", "", 0),
            StatusEntry(b, YEAR, "partially_achieved", " 一部のみ ", "内部メモ", 1),
            StatusEntry(c, YEAR, "not_achieved", "遅れ", "", 1),
        ],
        user=world["user"],
    )

    assert [r.outcome for r in results] == [CREATED, UPDATED, UNCHANGED]
    assert [r.changed for r in results] == [True, True, False]
    assert _rows() == {
        (a.pk, YEAR): ("achieved", "", "", 1),
        (b.pk, YEAR): ("partially_achieved", "一部のみ", "内部メモ", 2),
        (c.pk, YEAR): ("not_achieved", "遅れ", "", 1),
    }
    updated = YearlyStatus.objects.get(item=b, fiscal_year=YEAR)
    assert updated.updated_by == world["user"]
    assert updated.updated_at > YearlyStatus.objects.get(item=c, fiscal_year=YEAR).updated_at
    assert results[1].obj.pk == updated.pk and results[1].obj.version == 2
    assert AuditEntry.objects.filter(source="import").count() == 2


def test_an_entry_may_be_a_plain_tuple_and_nothing_is_written_for_no_entries(world):
    a = world["items"][0]
    assert services.record_statuses([]) == []
    (result,) = services.record_statuses([(a, YEAR, "achieved", "", "", None)])
    assert result.outcome == CREATED


def test_each_change_is_audited_exactly_as_record_status_audits_it(world):
    single, bulk = world["items"][:2]
    user = world["user"]
    for status, comment in (("achieved", ""), ("not_achieved", "予算不足")):
        services.record_status(
            single,
            YEAR,
            status=status,
            comment=comment,
            evidence="根拠",
            user=user,
            source="import",
        )
        services.record_statuses([StatusEntry(bulk, YEAR, status, comment, "根拠")], user=user)

    def audits(item):
        return [
            (e.user, e.action, e.source, e.plan, e.section_id, e.fiscal_year, e.before, e.after)
            for e in AuditEntry.objects.filter(item=item).order_by("id")
        ]

    assert len(audits(bulk)) == 2
    assert audits(bulk) == audits(single)
    first, second = AuditEntry.objects.filter(item=bulk).order_by("id")
    assert first.before is None
    assert second.before == {
        "status": "achieved",
        "status_label": "達成",
        "comment": "",
        "evidence": "根拠",
        "state": "entered",
        "state_label": "入力済み",
    }
    assert second.after == {
        "status": "not_achieved",
        "status_label": "未達成",
        "comment": "予算不足",
        "evidence": "根拠",
        "state": "entered",
        "state_label": "入力済み",
    }
    assert (second.object_repr, second.section_id) == (str(bulk), bulk.section_id)


@pytest.mark.parametrize(
    "bad, error_class, code",
    [
        (
            lambda item: StatusEntry(item, YEAR, "achieved", "", "", 3),
            services.StaleEditError,
            "stale",
        ),
        (lambda item: StatusEntry(item, YEAR, "done"), ValidationError, "invalid_status"),
        (
            lambda item: StatusEntry(item, YEAR, "undeterminable", "  "),
            ValidationError,
            "comment_required",
        ),
        (lambda item: StatusEntry(item, 2035, "achieved"), ValidationError, "out_of_period"),
    ],
    ids=["stale version", "invalid status", "missing comment", "outside the plan"],
)
def test_one_bad_entry_refuses_all_and_writes_nothing(world, bad, error_class, code):
    a, b, c, d = world["items"]
    services.record_status(b, YEAR, status="achieved")
    before, audits = _rows(), AuditEntry.objects.count()
    entries = [
        StatusEntry(a, YEAR, "achieved"),
        StatusEntry(c, YEAR, "achieved"),
        bad(b),
        StatusEntry(d, YEAR, "achieved"),
    ]

    with pytest.raises(error_class) as refused:
        services.record_statuses(entries)

    assert refused.value.code == code
    assert refused.value.entry is entries[2] and refused.value.index == 2
    assert _rows() == before and AuditEntry.objects.count() == audits


def test_a_locked_year_refuses_a_change_and_writes_nothing(world):
    a, b = world["items"][:2]
    services.record_status(b, YEAR, status="achieved")
    services.lock_year(world["plan"], YEAR, reason="試験のため未承認のまま確定")
    before, audits = _rows(), AuditEntry.objects.count()

    with pytest.raises(services.YearLockedError, match="確定済み"):
        services.record_statuses(
            [StatusEntry(a, YEAR + 1, "achieved"), StatusEntry(b, YEAR, "partially_achieved")]
        )

    assert _rows() == before and AuditEntry.objects.count() == audits


def test_an_unchanged_row_in_a_locked_year_is_unchanged_not_an_error(world):
    a, b = world["items"][:2]
    services.record_status(b, YEAR, status="not_achieved", comment="遅れ")
    services.lock_year(world["plan"], YEAR, reason="試験のため未承認のまま確定")

    results = services.record_statuses(
        [StatusEntry(b, YEAR, "not_achieved", "遅れ", "", 1), StatusEntry(a, YEAR + 1, "achieved")]
    )

    assert [r.outcome for r in results] == [UNCHANGED, CREATED]
    # The single-item form still refuses any save in a locked year.
    with pytest.raises(services.YearLockedError):
        services.record_status(b, YEAR, status="not_achieved", comment="遅れ")


def test_given_locked_years_are_used_instead_of_the_database(world):
    a = world["items"][0]
    with pytest.raises(services.YearLockedError):
        services.record_statuses(
            [StatusEntry(a, YEAR, "achieved")], locked_years={world["plan"].pk: {YEAR}}
        )
    assert not YearlyStatus.objects.exists()


def test_the_same_item_and_year_twice_is_refused(world):
    a = world["items"][0]
    with pytest.raises(ValidationError) as refused:
        services.record_statuses([StatusEntry(a, YEAR, "achieved"), StatusEntry(a, YEAR, "")])
    assert refused.value.code == "duplicate" and refused.value.index == 1
    assert not YearlyStatus.objects.exists()


def _lose_the_insert_race(monkeypatch, item, user):
    """Another transaction inserts the row between our lock query and our insert."""
    from actions.services import status as status_service

    insert_first = status_service._insert_first
    calls = []

    def racing(model, objs):
        if not calls:
            YearlyStatus.objects.create(
                item=item, fiscal_year=YEAR, status="achieved", updated_by=user
            )
        calls.append(len(objs))
        return insert_first(model, objs)

    monkeypatch.setattr(status_service, "_insert_first", racing)
    return calls


def test_a_lost_first_time_race_is_a_stale_edit_not_a_500(world, monkeypatch):
    a, b = world["items"][:2]
    calls = _lose_the_insert_race(monkeypatch, a, world["user"])

    with pytest.raises(services.StaleEditError, match="kanri さんが") as refused:
        services.record_statuses(
            [StatusEntry(b, YEAR, "achieved", "", "", 0), StatusEntry(a, YEAR, "", "", "", 0)]
        )

    # One insert tried, then the re-planned write found the winner's row and refused.
    # (The simulated winner shares this test's transaction, so it is rolled back too.)
    assert refused.value.index == 1 and calls == [2]
    assert refused.value.current.item_id == a.pk
    assert not YearlyStatus.objects.filter(item=b).exists()
    assert not AuditEntry.objects.exists()


def test_an_unchecked_entry_that_lost_the_race_updates_the_winner(world, monkeypatch):
    a = world["items"][0]
    _lose_the_insert_race(monkeypatch, a, world["user"])

    (result,) = services.record_statuses([StatusEntry(a, YEAR, "partially_achieved")])

    assert result.outcome == UPDATED
    assert _rows() == {(a.pk, YEAR): ("partially_achieved", "", "", 2)}


@pytest.fixture
def real_sqlite_variable_limit(monkeypatch):
    """Let Django use SQLite's real variable limit instead of its default guess of 999.

    Django splits bulk statements into batches of 999 variables on SQLite,
    whatever the number of queries the service issues; with the limit this
    SQLite build really has, the count below shows the service's own queries.
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


def _count_bulk_queries(plan, count, year):
    items = make_items(plan, plan.areas.first(), count)
    for item in items:
        item.plan = plan
    half = count // 2
    services.record_statuses([StatusEntry(item, year, "achieved") for item in items[:half]])
    entries = [
        StatusEntry(item, year, "not_achieved", f"理由{n}", "", 1 if n < half else 0)
        for n, item in enumerate(items)
    ]
    entries[0] = StatusEntry(items[0], year, "achieved", "", "", 1)  # unchanged
    with CaptureQueriesContext(connection) as queries:
        results = services.record_statuses(entries)
    assert {r.outcome for r in results} == {CREATED, UPDATED, UNCHANGED}
    return len(queries)


def test_the_query_count_does_not_grow_with_the_entries(db, real_sqlite_variable_limit):
    plan = make_plan()
    small = _count_bulk_queries(plan, 10, 2024)
    large = _count_bulk_queries(plan, 1000, 2025)
    # savepoint, locked years, lock, insert (in a savepoint), the new rows' pks, one update
    # run per row, the sections' names, audit, the year's data version (update; insert the first
    # time), and the year's status tallies counted again (a delete, the two counts, an insert)
    assert small == large <= 15


# --- KPI actuals ------------------------------------------------------------------------


@pytest.fixture
def kpis(world):
    item = world["items"][0]
    return [Kpi.objects.create(item=item, name=f"指標{n}", unit="件") for n in range(4)]


def test_kpi_actuals_are_created_updated_removed_and_skipped(world, kpis):
    k0, k1, k2, k3 = kpis
    services.record_kpi_actual(k1, YEAR, "5")
    services.record_kpi_actual(k2, YEAR, "7")
    services.record_kpi_actual(k3, YEAR, "9")

    results = services.record_kpi_actuals(
        [
            ActualEntry(k0, YEAR, "1.5", None),
            ActualEntry(k1, YEAR, Decimal("6"), Decimal("5")),
            ActualEntry(k2, YEAR, None),
            ActualEntry(k3, YEAR, "9.000"),
        ],
        user=world["user"],
    )

    assert [r.outcome for r in results] == [CREATED, UPDATED, DELETED, UNCHANGED]
    assert dict(KpiActual.objects.values_list("kpi", "value")) == {
        k0.pk: Decimal("1.5"),
        k1.pk: Decimal("6"),
        k3.pk: Decimal("9"),
    }
    audits = AuditEntry.objects.filter(source="import", item=world["items"][0]).order_by("id")
    assert [(a.before, a.after) for a in audits] == [
        (None, {"value": "1.5"}),
        ({"value": "5.000"}, {"value": "6"}),
        ({"value": "7.000"}, None),
    ]
    assert {(a.user, a.action, a.object_repr) for a in audits[:1]} == {
        (world["user"], "指標実績の記録", f"{world['items'][0]} / 指標0")
    }


def test_a_stale_kpi_actual_refuses_all_and_writes_nothing(world, kpis):
    k0, k1 = kpis[:2]
    services.record_kpi_actual(k1, YEAR, "5")
    audits = AuditEntry.objects.count()

    with pytest.raises(services.StaleActualError) as refused:
        services.record_kpi_actuals(
            [ActualEntry(k0, YEAR, "1", None), ActualEntry(k1, YEAR, "6", "4")]
        )

    assert refused.value.index == 1
    assert list(KpiActual.objects.values_list("kpi", "value")) == [(k1.pk, Decimal("5"))]
    assert AuditEntry.objects.count() == audits


def test_an_unchanged_kpi_actual_in_a_locked_year_is_unchanged(world, kpis):
    services.record_kpi_actual(kpis[0], YEAR, "5")
    services.lock_year(world["plan"], YEAR, reason="試験のため未承認のまま確定")

    (result,) = services.record_kpi_actuals([ActualEntry(kpis[0], YEAR, "5")])

    assert result.outcome == UNCHANGED
    with pytest.raises(services.YearLockedError):
        services.record_kpi_actuals([ActualEntry(kpis[0], YEAR, "6")])


# --- the importer on top ------------------------------------------------------------------


def test_an_import_that_became_stale_since_its_dry_run_names_the_row_and_writes_nothing(world):
    a, b = world["items"][:2]
    slug = world["plan"].slug
    data = xlsx_bytes(
        {
            "達成状況": [
                STATUS_HEADER,
                [slug, a.code, "R8", "達成", ""],
                [slug, b.code, "R8", "一部達成", ""],
            ]
        }
    )
    job = WorkbookImport(read_upload(data, "t.xlsx"), user=world["user"]).validate()
    assert job.ok
    services.record_status(b, YEAR, status="not_achieved", comment="別の人")  # meanwhile
    before, audits = _rows(), AuditEntry.objects.count()

    with pytest.raises(ValidationError, match="達成状況 3行目: この取組の達成状況は"):
        with transaction.atomic():
            list(job.apply_steps())

    assert _rows() == before and AuditEntry.objects.count() == audits


def test_the_import_reports_progress_per_chunk(world, monkeypatch):
    monkeypatch.setattr("actions.imports.workbook.importer.WRITE_CHUNK", 2)
    slug = world["plan"].slug
    rows = [[slug, item.code, "R8", "達成", ""] for item in world["items"]]
    job = WorkbookImport(
        read_upload(xlsx_bytes({"達成状況": [STATUS_HEADER, *rows]}), "t.xlsx")
    ).validate()

    with transaction.atomic():
        steps = list(job.apply_steps())

    assert steps == [(2, 4, "達成状況"), (4, 4, "達成状況"), (4, 4, "完了")]
    assert YearlyStatus.objects.count() == 4
