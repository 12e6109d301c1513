"""CSV as Japanese Excel saves it: Shift_JIS (cp932) or UTF-8 with a BOM; the header names the sheet."""

import pytest

from actions.models import Status, YearlyStatus
from tests.factories import make_items, make_plan
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db

CSV_TEXT = (
    "令和7年度 達成状況（①町民サービスの向上）,,,,\r\n"
    "計画ID,取組番号,年度,達成状況,備考\r\n"
    "p1,１,令和７年度,達成,～髙橋さん確認済み～\r\n"
    'p1,2,R7,未達成,"理由: 予算\r\n（次年度へ）"\r\n'
)


@pytest.fixture
def plan(db):
    plan = make_plan(slug="p1")
    make_items(plan, plan.areas.get(number=1), 2)
    return plan


def statuses(plan):
    return {
        int(s.item.code): s
        for s in YearlyStatus.objects.filter(item__plan=plan).select_related("item")
    }


def test_a_cp932_csv_is_detected_and_imported(plan, admin_user):
    job = run_import(CSV_TEXT.encode("cp932"), user=admin_user, filename="status.csv")

    assert job.errors == []
    assert job.summaries["達成状況"].created == 2
    result = statuses(plan)
    assert result[1].status == Status.ACHIEVED
    assert result[1].comment == "～髙橋さん確認済み～"  # cp932-only 髙 survives, ～ is not folded
    assert result[2].comment == "理由: 予算\n（次年度へ）"


def test_a_utf8_csv_with_bom_is_detected_and_imported(plan, admin_user):
    job = run_import(CSV_TEXT.encode("utf-8-sig"), user=admin_user, filename="status.csv")

    assert job.errors == []
    assert statuses(plan)[2].status == Status.NOT_ACHIEVED


def test_a_utf8_csv_without_bom_is_read_too(plan, admin_user):
    job = run_import(CSV_TEXT.encode("utf-8"), user=admin_user, filename="status.csv")
    assert job.errors == [] and job.summaries["達成状況"].created == 2


def test_an_error_in_a_csv_names_the_sheet_the_header_chose_and_the_excel_row(plan, admin_user):
    text = CSV_TEXT.replace("達成,～", "できた,～")
    [error] = run_import(text.encode("cp932"), filename="status.csv").errors
    assert (error.sheet, error.row, error.column, error.value) == (
        "達成状況",
        3,
        "達成状況",
        "できた",
    )


def test_a_csv_whose_header_matches_no_sheet_is_refused(plan):
    [error] = run_import("名前,住所\r\n山田,中井町\r\n".encode("cp932"), filename="x.csv").errors
    assert "見出し行が見つかりません" in error.message
