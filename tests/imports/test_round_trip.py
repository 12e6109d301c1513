"""Export → (edit) → import: unedited changes nothing, one edit changes one row."""

import io

import pytest
from openpyxl import load_workbook

from actions import services
from actions.imports.workbook import exporter
from actions.models import ActionItem, AuditEntry, Kpi, KpiActual, Status, YearlyStatus
from plans.models import Plan, PriorityArea
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db


def town_export():
    return exporter.workbook_bytes(exporter.build_workbook(Plan.objects.all()))


def edit_cell(data, sheet, find, column, value):
    """Change one cell of the row whose first cells equal ``find``."""
    book = load_workbook(io.BytesIO(data))
    ws = book[sheet]
    header = [cell.value for cell in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if tuple(cell.value for cell in row[: len(find)]) == find:
            row[header.index(column)].value = value
            break
    else:
        raise AssertionError(f"row {find} not found")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def reopen_2025(plan, user):
    services.unpublish_year(plan, 2025, reason="取込の試験", user=user)
    services.unlock_year(plan, 2025, reason="取込の試験", user=user)


def counts():
    return (
        Plan.objects.count(),
        PriorityArea.objects.count(),
        ActionItem.objects.count(),
        YearlyStatus.objects.count(),
        Kpi.objects.count(),
        KpiActual.objects.count(),
        AuditEntry.objects.count(),
    )


def test_an_unedited_export_imports_as_unchanged_everywhere(town_data, admin_user):
    before = counts()
    job = run_import(town_export(), user=admin_user)
    assert job.errors == []
    assert job.total_writes == 0
    summaries = {s.name: s for s in job.present_summaries}
    assert set(summaries) == {"計画", "重点施策区分", "取組", "達成状況", "指標", "指標実績"}
    for summary in summaries.values():
        assert (summary.created, summary.updated) == (0, 0), summary
    assert summaries["取組"].unchanged == 41
    assert summaries["達成状況"].unchanged == 30
    assert counts() == before


def test_editing_one_status_cell_changes_exactly_that_row(town_data, admin_user):
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    reopen_2025(plan, admin_user)
    data = edit_cell(town_export(), "達成状況", ("nakai-dx-1.0", "4"), "達成状況", "達成")
    audit_before = AuditEntry.objects.count()

    job = run_import(data, user=admin_user)

    assert job.errors == []
    status_summary = job.summaries["達成状況"]
    assert (status_summary.created, status_summary.updated, status_summary.unchanged) == (0, 1, 29)
    assert all(s.updated == s.created == 0 for s in job.present_summaries if s.name != "達成状況")
    status = YearlyStatus.objects.get(item__plan=plan, item__code="4", fiscal_year=2025)
    assert status.status == Status.ACHIEVED
    assert status.version == 2
    assert status.updated_by == admin_user
    new_audit = AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - audit_before]
    assert [(a.source, a.get_source_display(), a.item_id, a.user_id) for a in new_audit] == [
        ("import", "一括取込", status.item_id, admin_user.pk)
    ]
    assert new_audit[0].before["status"] == "partially_achieved"
    assert new_audit[0].after["status"] == "achieved"


def test_reimporting_the_same_edit_never_duplicates(town_data, admin_user):
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    reopen_2025(plan, admin_user)
    data = edit_cell(town_export(), "達成状況", ("nakai-dx-1.0", "4"), "達成状況", "達成")
    run_import(data, user=admin_user)
    before = counts()

    job = run_import(data, user=admin_user)

    assert job.errors == [] and job.total_writes == 0
    assert counts() == before


def test_a_changed_value_in_a_locked_year_is_an_error_and_nothing_is_written(town_data, admin_user):
    data = edit_cell(town_export(), "達成状況", ("nakai-dx-1.0", "4"), "達成状況", "達成")
    data = edit_cell(data, "取組", ("nakai-dx-2.0", "1"), "取組名", "フロントヤード改革の推進")
    before = counts()

    job = run_import(data, user=admin_user)

    assert len(job.errors) == 1
    error = job.errors[0]
    assert (error.sheet, error.row, error.column) == ("達成状況", 5, "年度")
    assert "確定済み" in error.message
    assert counts() == before
    assert ActionItem.objects.get(plan__slug="nakai-dx-2.0", code="1").title == "フロントヤード改革"


def test_a_locked_year_with_unchanged_values_imports_fine(town_data, admin_user):
    data = edit_cell(
        town_export(), "取組", ("nakai-dx-2.0", "1"), "取組名", "フロントヤード改革の推進"
    )

    job = run_import(data, user=admin_user)

    assert job.errors == []
    assert job.summaries["取組"].updated == 1
    assert job.summaries["達成状況"].unchanged == 30
    item = ActionItem.objects.get(plan__slug="nakai-dx-2.0", code="1")
    assert item.title == "フロントヤード改革の推進"
    audit = AuditEntry.objects.get(item=item)
    assert (audit.source, audit.user, audit.before, audit.after) == (
        "import",
        admin_user,
        {"title": "フロントヤード改革"},
        {"title": "フロントヤード改革の推進"},
    )


def test_the_dry_run_writes_nothing(town_data, admin_user):
    data = edit_cell(town_export(), "取組", ("nakai-dx-2.0", "1"), "取組名", "新しい名前")
    before = counts()

    job = run_import(data, user=admin_user, dry_run=True)

    assert job.ok and job.summaries["取組"].updated == 1
    assert [c.fields for c in job.changes] == [[("取組名", "フロントヤード改革", "新しい名前")]]
    assert counts() == before


def test_a_csv_export_round_trips(town_data, admin_user):
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    for sheet in ("計画", "重点施策区分", "取組", "達成状況", "指標", "指標実績"):
        job = run_import(exporter.sheet_csv_bytes(sheet, [plan]), user=admin_user, filename="x.csv")
        assert job.errors == [], sheet
        assert job.total_writes == 0, (sheet, job.changes)
        assert job.summaries[sheet].unchanged > 0
