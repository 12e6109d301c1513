"""manage.py import_workbook / export_workbook: exit codes, stderr, nothing written on error."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import AuditEntry, YearlyStatus
from tests.factories import make_items, make_plan
from tests.imports.conftest import STATUS_HEADER, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    plan = make_plan(slug="p1")
    make_items(plan, plan.areas.get(number=1), 2)
    return plan


def write(tmp_path, rows, name="status.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes({"達成状況": [STATUS_HEADER, *rows]}))
    return path


def run(*args):
    """Run as manage.py would: (exit code, stdout, stderr)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_it_imports_and_prints_a_summary_per_sheet(plan, tmp_path, admin_user):
    path = write(tmp_path, [["p1", 1, "R7", "達成", ""], ["p1", 2, "R7", "一部達成", ""]])
    code, out, err = run("import_workbook", str(path), "--user", admin_user.username)
    assert code == 0 and err == ""
    assert "達成状況: 追加 2 件、更新 0 件、変更なし 0 件" in out
    assert YearlyStatus.objects.count() == 2
    assert set(AuditEntry.objects.values_list("source", "user")) == {("import", admin_user.pk)}


def test_a_dry_run_writes_nothing(plan, tmp_path):
    code, out, _ = run(
        "import_workbook", str(write(tmp_path, [["p1", 1, "R7", "達成", ""]])), "--dry-run"
    )
    assert code == 0 and "--dry-run" in out
    assert YearlyStatus.objects.count() == 0


def test_errors_go_to_stderr_with_exit_1_and_nothing_is_written(plan, tmp_path):
    path = write(
        tmp_path,
        [["p1", 1, "R7", "達成", ""], ["p1", 9, "R7", "達成", ""], ["p1", 2, "R7", "済", ""]],
    )
    code, out, err = run("import_workbook", str(path))
    assert code == 1
    assert "達成状況 3行目 列「取組番号」 値「9」" in err
    assert "達成状況 4行目 列「達成状況」 値「済」" in err
    assert "2 件のエラーがあるため、何も取り込みませんでした" in err
    assert YearlyStatus.objects.count() == 0


def test_a_refused_file_exits_1(tmp_path, db):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    code, _, err = run("import_workbook", str(path))
    assert code == 1 and "古い形式（.xls）" in err


def test_the_real_command_line_exits_1(plan, tmp_path):
    from django.core.management import ManagementUtility

    path = write(tmp_path, [["p1", 9, "R7", "達成", ""]])
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_workbook", str(path)]).execute()
    assert exited.value.code == 1


def test_export_workbook_writes_a_file_that_imports_unchanged(town_data, tmp_path):
    path = tmp_path / "export.xlsx"
    code, out, _ = run("export_workbook", "--plan", "nakai-dx-1.0", "-o", str(path))
    assert code == 0 and path.stat().st_size > 0
    code, out, _ = run("import_workbook", str(path), "--dry-run")
    assert code == 0 and "合計 0 件の変更" in out


def test_export_workbook_refuses_an_unknown_plan(db, tmp_path):
    code, _, err = run("export_workbook", "--plan", "nope", "-o", str(tmp_path / "x.xlsx"))
    assert code == 1 and "nope" in err
