"""manage.py report: every format from the command line, the year written three ways,
and a Japanese refusal with exit status 1 for an unknown plan or a year outside it."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Plan
from reports.yearly_report.content import build_report
from tests.factories import make_items, make_plan, make_year, set_statuses
from tests.reports.report_files import docx_table, pdf_lines, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["2025", "令和7年度", "R7"])
def test_it_writes_the_town_report_for_the_year_written_any_way(town_data, tmp_path, year):
    output = tmp_path / "report.docx"
    call_command("report", plan="nakai-dx-1.0", year=year, fmt="docx", output=str(output))
    table = docx_table(output.read_bytes(), "重点施策区分")
    assert table[6] == ["合計", "30", "14", "4", "10", "2", "60.0%"]


def test_it_writes_excel_pdf_and_html(town_data, tmp_path):
    for fmt in ("xlsx", "pdf", "html"):
        call_command(
            "report", plan="nakai-dx-1.0", year="R7", fmt=fmt, output=str(tmp_path / f"r.{fmt}")
        )
    assert sheet_rows((tmp_path / "r.xlsx").read_bytes(), "3-2 達成状況")[0][:2] == (
        "町民サービスの向上",
        8,
    )
    assert "町民サービスの向上 8 6 1 1 0 87.5%" in pdf_lines((tmp_path / "r.pdf").read_bytes())
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<style>" in html and "/static/" not in html


@pytest.mark.parametrize(
    "options, message",
    [
        ({"plan": "nakai-dx-9.9", "year": "R7"}, "計画ID「nakai-dx-9.9」は登録されていません。"),
        (
            {"plan": "nakai-dx-1.0", "year": "R10"},
            "評価の対象年度（令和5年度～令和7年度）ではありません",
        ),
        ({"plan": "nakai-dx-1.0", "year": "来年"}, "年度として読めません"),
    ],
)
def test_it_refuses_an_unknown_plan_or_year_in_japanese(town_data, tmp_path, options, message):
    output = tmp_path / "r.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("report", fmt="pdf", output=str(output), **options)
    assert not output.exists()


def test_a_refusal_exits_with_status_1(town_data, tmp_path, capsys):
    from reports.management.commands.report import Command

    argv = ["manage.py", "report", "--plan", "x", "--year", "R7", "--format", "pdf"]
    with pytest.raises(SystemExit) as exit:
        Command().run_from_argv([*argv, "--output", str(tmp_path / "r.pdf")])
    assert exit.value.code == 1
    assert "計画ID「x」は登録されていません。" in capsys.readouterr().err


def test_a_draft_year_written_by_the_command_is_marked(town_data, tmp_path):
    plan = Plan.objects.get(slug="nakai-dx-2.0")
    output = tmp_path / "draft.pdf"
    call_command("report", plan=plan.slug, year="R8", fmt="pdf", output=str(output))
    assert pdf_lines(output.read_bytes())[0].endswith("案")


def _queries(plan, year):
    with CaptureQueriesContext(connection) as queries:
        build_report(plan, year)
    return len(queries)


def test_the_content_is_read_in_the_same_number_of_queries_for_30_or_600_items(db):
    counts = []
    for size in (30, 600):
        plan = make_plan()
        first, second = plan.areas.all()
        items = make_items(plan, first, size // 2) + make_items(plan, second, size // 2)
        set_statuses(items[::2], 2025, "achieved")
        set_statuses(items[1::2], 2025, "not_achieved")
        set_statuses(items, 2024, "partially_achieved")
        make_year(plan, 2024, "published")
        make_year(plan, 2025, "published")
        counts.append(_queries(plan, 2025))
    assert counts[0] == counts[1]
    assert counts[0] <= 16
