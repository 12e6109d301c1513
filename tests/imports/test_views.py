"""The /imports/ pages: who may reach them, the dry run, the confirmation, downloads."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import AuditEntry, ImportJob, Status, YearlyStatus
from tests.factories import make_items, make_plan
from tests.imports.conftest import STATUS_HEADER, xlsx_bytes

pytestmark = pytest.mark.django_db

GET_URLS = ["imports:index", "imports:template"]
POST_URLS = ["imports:upload", "imports:confirm"]


@pytest.fixture
def plan(db):
    plan = make_plan(slug="p1")
    make_items(plan, plan.areas.get(number=1), 2)
    return plan


def url(name, plan=None):
    return reverse(name, args=[plan.slug]) if name == "imports:export" else reverse(name)


def upload_file(data, name="status.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def good_book():
    return xlsx_bytes(
        {"達成状況": [STATUS_HEADER, ["p1", 1, "R7", "達成", "完了"], ["p1", 2, 2025, "", ""]]}
    )


# --- permissions --------------------------------------------------------------------


@pytest.mark.parametrize("name", [*GET_URLS, "imports:export"])
def test_anonymous_users_are_sent_to_login(client, plan, name):
    response = client.get(url(name, plan))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", POST_URLS)
def test_anonymous_posts_are_sent_to_login(client, plan, name):
    response = client.post(url(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", [*GET_URLS, *POST_URLS, "imports:export"])
def test_staff_are_refused_everywhere(client, plan, staff_user, name):
    client.force_login(staff_user)
    method = client.post if name in POST_URLS else client.get
    assert method(url(name, plan)).status_code == 403


@pytest.mark.parametrize("name", ["imports:index", "imports:template", "imports:export"])
def test_managers_may_download(client, plan, manager_user, name):
    client.force_login(manager_user)
    assert client.get(url(name, plan)).status_code == 200


def test_managers_see_no_upload_form(client, plan, manager_user):
    client.force_login(manager_user)
    assert b'enctype="multipart/form-data"' not in client.get(url("imports:index")).content


@pytest.mark.parametrize("name", POST_URLS)
def test_managers_may_not_import(client, plan, manager_user, name):
    client.force_login(manager_user)
    method = client.post if name in POST_URLS else client.get
    assert method(url(name)).status_code == 403


@pytest.mark.parametrize("name", ["imports:index", "imports:template", "imports:export"])
def test_admins_reach_every_page(client, plan, admin_user, name):
    client.force_login(admin_user)
    assert client.get(url(name, plan)).status_code == 200


@pytest.mark.parametrize("name", POST_URLS)
def test_it_rejects_get_on_post_only_urls(client, admin_user, name):
    client.force_login(admin_user)
    assert client.get(url(name)).status_code == 405


def test_the_upload_needs_a_csrf_token(plan, admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(url("imports:upload"), {"file": upload_file(good_book())}).status_code == 403


# --- the dry run and the confirmation ---------------------------------------------------


def _upload(client, data, name="status.xlsx"):
    """Upload; the dry run runs (immediate task backend); follow to the job's page."""
    response = client.post(url("imports:upload"), {"file": upload_file(data, name)})
    assert response.status_code == 302, response.content[:300]
    return client.get(response["Location"])


def _without_tokens(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _confirm(client):
    token = client.session["imports_pending"]["job"]
    response = client.post(url("imports:confirm"), {"token": token})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_the_dry_run_shows_counts_and_writes_nothing(client, plan, admin_user):
    client.force_login(admin_user)
    response = _upload(client, good_book())
    assert response.status_code == 200
    page = response.content.decode()
    assert "取込内容の確認" in page and "この内容で取り込む" in page
    assert YearlyStatus.objects.count() == 0
    summary = {s.name: s for s in response.context["summaries"]}["達成状況"]
    assert (summary.created, summary.unchanged) == (1, 1)


def test_the_dry_run_page_is_the_same_on_reload(client, plan, admin_user):
    client.force_login(admin_user)
    first = _upload(client, good_book())
    again = client.get(first.wsgi_request.path)
    assert _without_tokens(again) == _without_tokens(first)
    assert "この内容で取り込む" in _without_tokens(again)


def test_errors_are_shown_in_a_table_and_no_confirm_button(client, plan, admin_user):
    client.force_login(admin_user)
    book = xlsx_bytes({"達成状況": [STATUS_HEADER, ["p1", 1, "R7", "ほぼ達成", ""]]})
    page = _upload(client, book).content.decode()
    assert "1 件のエラー" in page
    sheet = '<td><span class="phrases">達成状況</span></td>'  # never 「達成状/況」
    assert f'{sheet}<td class="num">2</td>{sheet}' in page
    assert "ほぼ達成" in page and "この内容で取り込む" not in page


def _file_inputs(page):
    return re.findall(
        r'<form method="post" action="/imports/upload/"[^>]*>.*?<input type="file"', page, re.S
    )


def test_the_error_page_carries_the_upload_form_it_asks_for(client, plan, admin_user):
    client.force_login(admin_user)
    book = xlsx_bytes({"達成状況": [STATUS_HEADER, ["p1", 1, "R7", "ほぼ達成", ""]]})
    page = _upload(client, book).content.decode()
    assert "もう一度ファイルを選んでください" in page
    assert len(_file_inputs(page)) == 1


def test_a_refused_file_page_carries_the_upload_form(client, plan, admin_user):
    client.force_login(admin_user)
    page = _upload(client, b"%PDF-1.4 x", "plan.xlsx").content.decode()
    assert len(_file_inputs(page)) == 1


def test_a_clean_dry_run_offers_no_second_upload(client, plan, admin_user):
    client.force_login(admin_user)
    assert _file_inputs(_upload(client, good_book()).content.decode()) == []


def test_a_refused_file_gets_its_message_not_a_500(client, plan, admin_user):
    client.force_login(admin_user)
    response = _upload(client, b"%PDF-1.4 x", "plan.xlsx")
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert ImportJob.objects.get().state == ImportJob.State.FAILED


def test_a_file_over_the_limit_is_refused_before_reading(client, plan, admin_user):
    client.force_login(admin_user)
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=50):
        response = client.post(url("imports:upload"), {"file": upload_file(good_book())})
    assert response.status_code == 400 and "ファイルが大きすぎます" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_confirm_imports_everything_and_shows_the_result(client, plan, admin_user):
    client.force_login(admin_user)
    _upload(client, good_book())

    result = _confirm(client)

    assert "取り込みました" in result.content.decode()
    status = YearlyStatus.objects.get()
    assert (status.status, status.comment, status.updated_by) == (
        Status.ACHIEVED,
        "完了",
        admin_user,
    )
    audit = AuditEntry.objects.get()
    assert (audit.source, audit.user) == (AuditEntry.Source.IMPORT, admin_user)
    job = ImportJob.objects.get()
    assert (job.state, bytes(job.data)) == (ImportJob.State.DONE, b"")
    assert _without_tokens(client.get(result.wsgi_request.path)) == _without_tokens(result)


def test_confirm_refuses_a_token_not_from_this_session(client, plan, admin_user):
    client.force_login(admin_user)
    _upload(client, good_book())
    response = client.post(url("imports:confirm"), {"token": "0" * 32})
    assert response.status_code == 302
    assert YearlyStatus.objects.count() == 0


def test_confirm_rechecks_the_file(client, plan, admin_user):
    from actions import services

    client.force_login(admin_user)
    _upload(client, good_book())
    # locked between the dry run and the confirmation
    services.lock_year(plan, 2025, reason="試験のため未承認のまま確定", user=admin_user)

    page = _confirm(client).content.decode()

    assert "点検した後に登録データが変わった" in page and "確定済み" in page
    assert YearlyStatus.objects.count() == 0


def test_a_job_is_only_its_owners(client, plan, admin_user):
    client.force_login(admin_user)
    job_url = _upload(client, good_book()).wsgi_request.path
    other = type(admin_user).objects.create_user("other-admin", password="x")
    other.groups.set(admin_user.groups.all())
    client.force_login(other)
    assert client.get(job_url).status_code == 404
    assert client.get(job_url + "status.json").status_code == 404


# --- downloads -------------------------------------------------------------------------


def test_the_export_has_a_japanese_file_name(client, plan, manager_user):
    client.force_login(manager_user)
    response = client.get(url("imports:export", plan))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert (
        "filename*=UTF-8''" in disposition and "%E3%83%87%E3%83%BC%E3%82%BF" in disposition
    )  # データ


def test_the_csv_export_is_utf8_with_bom(client, plan, manager_user):
    client.force_login(manager_user)
    response = client.get(url("imports:export", plan), {"format": "csv", "sheet": "取組"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf\xe8\xa8\x88\xe7\x94\xbbID")  # BOM + 計画ID
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_the_template_has_every_sheet_examples_and_dropdowns(client, plan, manager_user):
    client.force_login(manager_user)
    book = load_workbook(io.BytesIO(client.get(url("imports:template")).content))
    assert book.sheetnames[:8] == [
        "説明",
        "計画",
        "重点施策区分",
        "取組",
        "達成状況",
        "指標",
        "指標実績",
        "職員",
    ]
    assert book.active.title == "説明"  # it opens on how to fill it in
    assert {"記入例", "選択肢"} <= set(book.sheetnames)
    assert [c.value for c in book["達成状況"][1]] == STATUS_HEADER
    assert book["達成状況"].max_row == 1  # no example rows among the data
    rules = book["達成状況"].data_validations.dataValidation
    assert rules and "選択肢" in rules[0].formula1
    assert book["取組"].data_validations.dataValidation
    assert book["選択肢"].sheet_state == "hidden"
    assert [c.value for c in book["選択肢"]["A"]][1:5] == ["達成", "一部達成", "未達成", "判定不可"]
