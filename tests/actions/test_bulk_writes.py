"""The executemany write path (actions.services.bulk): the rows it leaves are the ORM's rows."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions import services
from actions.imports.workbook.importer import WorkbookImport
from actions.imports.workbook.reader import read_upload
from actions.models import AuditEntry, EvaluationState, ImportJob, YearlyStatus
from actions.services import UPDATED, StatusEntry, bulk
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section
from tests.imports.conftest import STATUS_HEADER, xlsx_bytes

YEAR = 2026
COLUMNS = (
    "status",
    "comment",
    "evidence",
    "state",
    "state_changed_at",
    "state_changed_by",
    "updated_by",
    "updated_at",
    "version",
)


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section()
    items = make_items(plan, plan.areas.first(), 8, section=section)
    for item in items:
        item.plan = plan
    return {"plan": plan, "items": items, "user": make_user("kanri", "admin"), "section": section}


def _edit(rows, user, when):
    """The same edits, row by row: quotes, new lines, 全角, None and set foreign keys."""
    edits = [
        ("achieved", "引用 'quote' \"double\"", "", EvaluationState.ENTERED, when, user),
        ("not_achieved", "改行\nあり", "メモ；；", EvaluationState.ENTERED, None, None),
        ("", "", "", EvaluationState.NOT_ENTERED, when, None),
        ("undeterminable", "=1+1", "%s %% ?", EvaluationState.SUBMITTED, None, user),
    ]
    for row, (status, comment, evidence, state, at, by) in zip(rows, edits, strict=True):
        row.status, row.comment, row.evidence, row.state = status, comment, evidence, state
        row.state_changed_at, row.state_changed_by = at, by
        row.updated_by, row.updated_at, row.version = user, when, row.version + 4


def _stored(rows):
    stored = YearlyStatus.objects.filter(pk__in=[row.pk for row in rows]).order_by("item_id")
    return [tuple(getattr(row, name) for name in COLUMNS) for row in stored]


def test_update_leaves_the_rows_bulk_update_leaves(world):
    items, user = world["items"], world["user"]
    ours = [YearlyStatus.objects.create(item=item, fiscal_year=YEAR) for item in items[:4]]
    django = [YearlyStatus.objects.create(item=item, fiscal_year=YEAR) for item in items[4:]]
    when = timezone.now() - datetime.timedelta(days=3)
    _edit(ours, user, when)
    _edit(django, user, when)

    with CaptureQueriesContext(connection) as queries:
        bulk.update(YearlyStatus, ours, COLUMNS)
    YearlyStatus.objects.bulk_update(django, COLUMNS)

    assert len(queries) == 1  # one statement, run by the driver for every row
    assert _stored(ours) == _stored(django)
    assert _stored(ours)[0][0] == "achieved"


def test_insert_values_leaves_the_row_the_orm_leaves(world):
    item, user, section = world["items"][0], world["user"], world["section"]
    fields = {
        "user_id": user.pk,
        "username": user.get_username(),
        "action": "達成状況の記録",
        "source": AuditEntry.Source.IMPORT,
        "town_id": item.plan.town_id,
        "plan_id": item.plan_id,
        "item_id": item.pk,
        "section_id": section.pk,
        "section_name": str(section),
        "fiscal_year": YEAR,
        "object_repr": str(item),
        "before": None,
        "after": {"status": "achieved", "comment": "「引用」\n'x'", "n": [1, 2]},
    }
    before = timezone.now()
    bulk.insert_values(AuditEntry, [dict(fields)])
    AuditEntry.objects.create(**fields)

    ours, theirs = AuditEntry.objects.order_by("id")
    names = [f.attname for f in AuditEntry._meta.concrete_fields if f.attname not in ("id", "at")]
    assert [getattr(ours, n) for n in names] == [getattr(theirs, n) for n in names]
    assert ours.reason == "" and ours.at >= before


def test_created_rows_come_back_with_their_pks(world):
    a, b = world["items"][:2]
    results = services.record_statuses(
        [StatusEntry(a, YEAR, "achieved"), StatusEntry(b, YEAR, "", "未着手")]
    )
    assert [r.obj.pk for r in results] == [
        YearlyStatus.objects.get(item=item, fiscal_year=YEAR).pk for item in (a, b)
    ]
    assert all(not r.obj._state.adding for r in results)


def _status_book(plan, items, label, comment):
    rows = [[plan.slug, item.code, "令和8年度", label, comment] for item in items]
    return read_upload(xlsx_bytes({"達成状況": [STATUS_HEADER, *rows]}), "x.xlsx")


def test_a_changed_import_audits_every_row_with_names_before_and_after(world):
    plan, items, user = world["plan"], world["items"], world["user"]
    WorkbookImport(_status_book(plan, items, "一部達成", "途中"), user=user).run()
    first = YearlyStatus.objects.filter(item__in=items).values_list("pk", "state_changed_at")

    job = WorkbookImport(_status_book(plan, items, "達成", "完了"), user=user).run()

    assert job.summaries["達成状況"].updated == len(items)
    audits = AuditEntry.objects.filter(source="import", action="達成状況の記録").order_by("id")
    changed = list(audits)[len(items) :]
    assert [a.item_id for a in changed] == [item.pk for item in items]
    for audit in changed:
        assert audit.username == "kanri" and audit.section_name == str(world["section"])
        assert audit.fiscal_year == YEAR and audit.plan_id == plan.pk
        assert audit.before["status"] == "partially_achieved" and audit.before["comment"] == "途中"
        assert audit.after["status"] == "achieved" and audit.after["status_label"] == "達成"
        assert audit.after["comment"] == "完了" and audit.at is not None
    stored = YearlyStatus.objects.filter(item__in=items)
    assert {(s.status, s.comment, s.version, s.updated_by_id) for s in stored} == {
        ("achieved", "完了", 2, user.pk)
    }
    # The state did not change (入力済み both times): its time is left as it was.
    assert set(stored.values_list("pk", "state_changed_at")) == set(first)


def _status_updates(queries):
    """The UPDATE statements of YearlyStatus (an executemany is logged as "N times: …")."""
    return [q["sql"] for q in queries if 'UPDATE "actions_yearlystatus"' in q["sql"]]


def test_an_update_of_one_row_is_one_statement_whatever_its_fields(world):
    a = world["items"][0]
    services.record_status(a, YEAR, status="achieved")
    with CaptureQueriesContext(connection) as queries:
        (result,) = services.record_statuses([StatusEntry(a, YEAR, "", "取り消し")])
    assert result.outcome == UPDATED
    updates = _status_updates(queries)
    assert len(updates) == 1 and "CASE" not in updates[0]


def test_a_made_instance_is_the_one_the_model_makes(world):
    item = world["items"][0]
    made = bulk.maker(YearlyStatus)(item_id=item.pk, fiscal_year=YEAR)
    plain = YearlyStatus(item_id=item.pk, fiscal_year=YEAR)
    names = [f.attname for f in YearlyStatus._meta.concrete_fields]
    assert [getattr(made, n) for n in names] == [getattr(plain, n) for n in names]
    assert made._state.adding and made.pk is None
    with pytest.raises(ValueError, match="callable default"):
        bulk.maker(ImportJob)  # its id is uuid4()


def _tallies():
    from actions.models import StatusTally

    return sorted(
        StatusTally.objects.values_list(
            "plan_id",
            "fiscal_year",
            "area_id",
            "section_id",
            "relisted",
            "status",
            "state",
            "count",
        )
    )


def test_an_import_in_chunks_counts_the_summaries_once_and_right(world, monkeypatch):
    from actions import tallies
    from actions.imports.workbook import importer
    from plans import versions

    plan, items, user = world["plan"], world["items"], world["user"]
    monkeypatch.setattr(importer, "WRITE_CHUNK", 3)
    calls = []

    def counting(plan_id, years):
        calls.append((plan_id, years))
        tallies.refresh(plan_id, years)

    monkeypatch.setattr(versions, "_listeners", [counting])
    WorkbookImport(_status_book(plan, items, "一部達成", "途中"), user=user).run()

    assert calls == [(plan.pk, [YEAR])]  # three chunks, one count
    counted = _tallies()
    tallies.refresh(plan.pk)
    assert counted == _tallies() and counted


def _columns(row):
    return [getattr(row, field.attname) for field in YearlyStatus._meta.concrete_fields]


def test_every_row_a_bulk_write_returns_is_the_row_it_stored(world):
    """Updated rows come back made from what the write read and wrote (Written.obj):
    each must equal the row read afresh, whatever became of its state."""
    items, user = world["items"], world["user"]
    a, b, c, d, e = items[:5]
    for item, status, comment in ((a, "achieved", "理由"), (b, "", "未着手"), (c, "achieved", "")):
        services.record_status(item, YEAR, status=status, comment=comment)
    entries = [
        StatusEntry(a, YEAR, "partially_achieved", "半分", "根拠"),  # 入力済み stays
        StatusEntry(b, YEAR, "achieved", "着手"),  # 未入力 → 入力済み
        StatusEntry(c, YEAR, "achieved", ""),  # unchanged
        StatusEntry(d, YEAR, "not_achieved", "遅れ"),  # created
        StatusEntry(e, YEAR, "", "メモだけ"),  # created, 未入力
    ]
    results = services.record_statuses(entries, user=user)

    assert [r.outcome for r in results] == ["updated", "updated", "unchanged", "created", "created"]
    for result in results:
        assert _columns(result.obj) == _columns(YearlyStatus.objects.get(pk=result.obj.pk))
        assert result.obj.item is result.entry.item  # no query to reach the item
    moved, stayed = results[1].obj, results[0].obj
    assert moved.state == EvaluationState.ENTERED and moved.state_changed_by_id == user.pk
    assert stayed.state_changed_by_id is None and stayed.version == 2


def test_a_bulk_update_moves_the_state_columns_only_where_the_state_moves(world):
    items, user = world["items"], world["user"]
    a, b = items[:2]
    services.record_status(a, YEAR, status="achieved", comment="")
    services.record_status(b, YEAR, status="", comment="メモ")
    kept_time = YearlyStatus.objects.get(item=a).state_changed_at

    with CaptureQueriesContext(connection) as queries:
        services.record_statuses(
            [StatusEntry(a, YEAR, "partially_achieved", "半分"), StatusEntry(b, YEAR, "achieved")],
            user=user,
        )

    updates = _status_updates(queries)
    assert len(updates) == 2  # one statement for each kind of row, whatever their number
    assert sum("state_changed_at" in sql for sql in updates) == 1
    assert YearlyStatus.objects.get(item=a).state_changed_at == kept_time
    assert YearlyStatus.objects.get(item=b).state_changed_by == user


def test_a_json_value_given_as_one_object_is_prepared_once_and_others_apart(world, monkeypatch):
    field = AuditEntry._meta.get_field("after")
    prepared = []
    original = type(field).get_db_prep_save

    def counting(self, value, connection):
        prepared.append(value)
        return original(self, value, connection)

    monkeypatch.setattr(type(field), "get_db_prep_save", counting)
    item = world["items"][0]
    shared = {"status": "achieved", "comment": "同じ"}
    rows = [
        {"action": "x", "object_repr": "x", "item_id": item.pk, "after": after, "before": None}
        for after in (shared, shared, shared, {"status": "achieved", "comment": "別"})
    ]
    bulk.insert_values(AuditEntry, rows)

    assert [row.after for row in AuditEntry.objects.order_by("id")] == [
        shared,
        shared,
        shared,
        {"status": "achieved", "comment": "別"},
    ]
    # after: the shared object once and the other once; before: None once.
    assert len(prepared) == 3


def test_an_import_pauses_the_collector_and_gives_it_back_even_when_refused(world, monkeypatch):
    import gc

    from actions.imports.workbook import apply

    plan, items, user = world["plan"], world["items"], world["user"]
    seen = []
    record = apply._write_in_chunks

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        yield from record(*args, **kwargs)

    monkeypatch.setattr(apply, "_write_in_chunks", watching)
    assert gc.isenabled()
    WorkbookImport(_status_book(plan, items, "達成", ""), user=user).run()
    assert seen and not any(seen) and gc.isenabled()

    # Refused while checking (a row of an unknown plan), and while writing (stale since its check).
    bad = read_upload(
        xlsx_bytes({"達成状況": [STATUS_HEADER, ["no-such-plan", "1", "令和8年度", "達成", ""]]}),
        "x.xlsx",
    )
    assert not WorkbookImport(bad, user=user).run().ok and gc.isenabled()
    job = WorkbookImport(_status_book(plan, items, "未達成", "遅れ"), user=user).validate()
    services.record_status(items[0], YEAR, status="partially_achieved", comment="割り込み")
    with pytest.raises(ValidationError):
        with transaction.atomic():
            for _step in job.apply_steps():
                pass
    assert gc.isenabled()
    gc.disable()  # nested pauses leave it to the outermost
    try:
        with bulk.collector_paused():
            with bulk.collector_paused():
                pass
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
