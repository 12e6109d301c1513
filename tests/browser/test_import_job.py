"""A background import in the browser: the progress page polls, survives a reload, shows the dry run."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from openpyxl import Workbook

from actions.models import ImportJob
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe

PASSWORD = "sato-browser-test-2026"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _workbook():
    book = Workbook()
    sheet = book.active
    sheet.title = "達成状況"
    sheet.append(["計画ID", "取組番号", "年度", "達成状況", "備考"])
    sheet.append(["nakai-dx-2.0", "1", "令和8年度", "達成", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def admin_page(page, live_server, live_town_data):
    make_user("sato", "admin", password=PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "sato")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    return page


@override_settings(TASKS=DATABASE_TASKS)
def test_the_job_page_waits_for_the_worker_then_shows_the_dry_run(admin_page, live_server):
    page = admin_page
    page.goto(live_server.url + "/imports/")
    page.set_input_files(
        "input[type=file]",
        files=[
            {"name": "達成状況.xlsx", "mimeType": "application/octet-stream", "buffer": _workbook()}
        ],
    )
    page.click("form[data-import-form] button[type=submit]")
    page.wait_for_selector("h1:has-text('ファイルを点検しています')")
    assert "点検の順番を待っています" in page.inner_text("[data-import-status]")
    assert run_axe(page) == []
    page.reload()  # the job is still there after a reload
    page.wait_for_selector("h1:has-text('ファイルを点検しています')")

    call_command("run_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    # The page's script polls status.json and reloads once the dry run is done.
    page.wait_for_selector("h1:has-text('取込内容の確認')", timeout=20_000)
    assert "この内容で取り込む" in page.content()
    assert ImportJob.objects.get().state == ImportJob.State.CHECKED
    page.watcher.assert_clean()
