"""The dry run and the result page read like the sheet: codes and titles, 令和 years, 12 not 12.000."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import ImportJob
from plans.models import Section
from tests.factories import make_plan
from tests.imports.conftest import run_import, xlsx_bytes
from tests.imports.town_workbook import SECTIONS, town_workbook

pytestmark = pytest.mark.django_db


def upload(client, data, name="town.xlsx"):
    """Upload; the dry run runs as a task (at once in tests); the job's page shows it."""
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = client.post(reverse("imports:upload"), {"file": file})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_numbers_years_and_items_read_as_people_write_them(admin_user):
    plan = make_plan(slug="p1")
    book = xlsx_bytes(
        {
            "取組": [
                ["計画ID", "取組番号", "取組名", "重点施策区分"],
                ["p1", "1-(2)-③", "書かない窓口", 1],
            ],
            "指標": [
                ["計画ID", "取組番号", "指標名", "基準値", "基準年度", "目標値", "目標年度"],
                ["p1", "１－（２）－③", "手続数", 12, "R7", "74%", 2028],
            ],
        }
    )
    job = run_import(book, user=admin_user, dry_run=True)
    assert job.errors == []
    item_change, kpi_change = job.changes
    assert item_change.key == "p1 取組 1-(2)-③「書かない窓口」"
    assert kpi_change.key == "p1 取組 1-(2)-③「書かない窓口」 指標「手続数」"
    assert kpi_change.shown_fields == [
        ("指標名", None, "手続数"),
        ("基準値", None, "12"),
        ("基準年度", None, "令和7年度"),
        ("目標値", None, "74"),
        ("目標年度", None, "令和10年度"),
    ]
    assert plan.items.count() == 0


def test_the_browser_dry_run_lists_sections_accounts_and_warnings(
    client, admin_user, registered_section
):
    client.force_login(admin_user)
    response = upload(client, town_workbook())
    page = response.content.decode()
    assert response.status_code == 200
    assert "新規に作成される担当課（20件）" in page
    for name in SECTIONS:
        assert f"<li>{name} " in page
    assert "新規に作成されるアカウント（5件）" in page and '<th scope="row">tanaka.h</th>' in page
    assert "未達成・判定不可で備考（理由）のない行: 3件" in page
    assert "「窓口サービス課」とみなします" in page
    assert "1-(2)-③「書かない窓口」" in page
    assert "令和5年度" in page and "2023年度" not in page.split("変更の内容")[1]
    assert "この内容で取り込む" in page
    assert Section.objects.count() == 1


def test_confirming_in_the_browser_writes_it_and_shows_the_passwords_once(
    client, admin_user, registered_section
):
    client.force_login(admin_user)
    upload(client, town_workbook())
    token = client.session["imports_pending"]["job"]
    response = client.post(reverse("imports:confirm"), {"token": token})
    assert Section.objects.count() == 21
    assert get_user_model().objects.count() == 6

    result = client.get(response["Location"])
    page = result.content.decode()
    assert "no-store" in result["Cache-Control"]
    assert "新しいアカウントの初期パスワード（5件）" in page
    for password in result.context["initial_passwords"]:
        account = get_user_model().objects.get(username=password["username"])
        assert account.check_password(password["password"])
        assert password["password"] in page
    # Not kept once shown: neither on the next view nor in the stored result.
    assert "password" not in json.dumps(ImportJob.objects.get().outcome)
    again = client.get(response["Location"]).content.decode()
    assert "初期パスワード" not in again and "取り込みました" in again
    assert "追加した担当課（20件）" in again


def test_a_text_file_named_xlsx_is_told_it_is_not_a_workbook(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, "計画ID,取組番号\r\n".encode("cp932"), "達成状況.xlsx")
    assert response.status_code == 200
    assert "Excel ブックではありません" in response.content.decode()


def test_plan_rows_show_dates_in_wareki_and_the_revised_plan_by_its_id(admin_user):
    job = run_import(town_workbook(), user=admin_user, dry_run=True)
    revision = next(c for c in job.changes if c.sheet == "計画" and c.key == "town-2.0")
    shown = dict((column, after) for column, _before, after in revision.shown_fields)
    assert shown["策定年月"] == "令和8年4月1日（2026/4/1）"
    assert shown["計画期間終了"] == "令和11年3月31日（2029/3/31）"
    assert shown["改定元計画ID"] == "town-1.0"
