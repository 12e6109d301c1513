"""Imports as background jobs: stored uploads, digests, progress, a stopped worker, the real worker."""

import os
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

from actions.imports import jobs
from actions.imports.workbook import importer
from actions.models import AuditEntry, ImportJob, YearlyStatus
from tests.factories import make_items, make_plan
from tests.imports.conftest import STATUS_HEADER, xlsx_bytes

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def plan(db):
    plan = make_plan(slug="p1")
    make_items(plan, plan.areas.get(number=1), 2)
    return plan


def good_book(status="達成"):
    return xlsx_bytes({"達成状況": [STATUS_HEADER, ["p1", 1, "R7", status, "完了"]]})


def upload(client, data):
    response = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("status.xlsx", data)}
    )
    assert response.status_code == 302
    return response["Location"]


def confirm(client):
    token = client.session["imports_pending"]["job"]
    return client.post(reverse("imports:confirm"), {"token": token})


# --- the upload store -------------------------------------------------------------------


@pytest.mark.django_db
def test_uploads_never_touch_a_shared_temp_directory(
    client, plan, admin_user, tmp_path, monkeypatch
):
    shared = tmp_path / "nakai-dx-imports"
    shared.mkdir()
    shared.chmod(0o777)  # as another local user could have made it
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    client.force_login(admin_user)
    upload(client, good_book())
    confirm(client)
    assert list(shared.iterdir()) == []
    assert YearlyStatus.objects.count() == 1


@pytest.mark.django_db
def test_a_file_changed_after_the_dry_run_is_not_imported(client, plan, admin_user):
    client.force_login(admin_user)
    upload(client, good_book("達成"))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        data=good_book("一部達成")
    )  # swapped behind our back

    response = confirm(client)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "点検したファイルと保存されている内容が一致しない" in page
    assert not YearlyStatus.objects.exists() and not AuditEntry.objects.exists()
    assert ImportJob.objects.get().state == ImportJob.State.FAILED


@pytest.mark.django_db
def test_a_digest_that_is_not_the_sessions_is_refused(client, plan, admin_user):
    client.force_login(admin_user)
    upload(client, good_book())
    session = client.session
    session["imports_pending"] = {**session["imports_pending"], "digest": "0" * 64}
    session.save()
    confirm(client)
    assert not YearlyStatus.objects.exists()


def test_the_work_directory_is_created_private(settings, tmp_path):
    settings.WORK_DIR = tmp_path / "work"
    path = jobs.work_directory("progress")
    assert oct(path.stat().st_mode & 0o777) == "0o700"
    assert oct(settings.WORK_DIR.stat().st_mode & 0o777) == "0o700"


def test_a_world_writable_work_directory_of_ours_is_made_private(settings, tmp_path):
    settings.WORK_DIR = tmp_path / "work"
    settings.WORK_DIR.mkdir(mode=0o777)
    settings.WORK_DIR.chmod(0o777)
    jobs.work_directory()
    assert oct(settings.WORK_DIR.stat().st_mode & 0o777) == "0o700"


def test_a_work_directory_another_user_owns_is_refused(settings, tmp_path, monkeypatch):
    settings.WORK_DIR = tmp_path / "work"
    settings.WORK_DIR.mkdir()
    monkeypatch.setattr(os, "geteuid", lambda: settings.WORK_DIR.stat().st_uid + 1)
    with pytest.raises(
        ImproperlyConfigured, match="このアプリを動かす利用者のディレクトリではない"
    ):
        jobs.work_directory()


def test_a_symlinked_work_directory_is_refused(settings, tmp_path):
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (tmp_path / "work").symlink_to(tmp_path / "elsewhere")
    settings.WORK_DIR = tmp_path / "work"
    with pytest.raises(ImproperlyConfigured):
        jobs.work_directory()


# --- progress and a stopped worker ----------------------------------------------------------


def _job(admin_user, state, **fields):
    return ImportJob.objects.create(
        user=admin_user, filename="status.xlsx", digest="x", state=state, **fields
    )


@pytest.mark.django_db
def test_the_progress_page_shows_how_far_the_import_is(client, admin_user):
    job = _job(admin_user, ImportJob.State.APPLYING)
    jobs.write_progress(job.pk, "達成状況を書き込んでいます", 3000, 10000)
    client.force_login(admin_user)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "達成状況を書き込んでいます（3000 / 10000 件）" in page
    assert 'value="3000"' in page and "data-import-status" in page and "<script>" not in page
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert (status["running"], status["percent"], status["stalled"]) == (True, 30, False)


@pytest.mark.django_db
def test_an_import_whose_worker_died_says_nothing_was_written(client, admin_user):
    job = _job(admin_user, ImportJob.State.APPLYING)
    jobs.write_progress(job.pk, "達成状況を書き込んでいます", 6100, 10000)
    old = time.time() - jobs.JOB_STALE_AFTER - 5
    path = jobs.work_directory("progress") / f"{job.pk}.json"
    os.utime(path, (old, old))
    client.force_login(admin_user)
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert (status["running"], status["stalled"]) == (False, True)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "取込の処理が途中で止まりました" in page and "何も書き込まれていません" in page
    assert "もう一度ファイルを選んで取り込んでください" in page


@pytest.mark.django_db
def test_a_database_failure_mid_import_is_recorded_and_nothing_is_written(
    client, plan, admin_user, monkeypatch
):
    real_steps = importer.apply.apply_steps

    def dropping(workbook, chunk_size):
        for step in real_steps(workbook, chunk_size=1):
            yield step
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(importer.apply, "apply_steps", dropping)
    client.force_login(admin_user)
    upload(client, good_book())
    page = client.get(confirm(client)["Location"]).content.decode()
    assert "データベースとの接続が切れたため、取込を中止しました。何も書き込んでいません。" in page
    assert not YearlyStatus.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_job_waiting_without_a_worker_says_so(client, plan, admin_user):
    client.force_login(admin_user)
    page = client.get(upload(client, good_book())).content.decode()
    assert "点検の順番を待っています" in page
    assert "ワーカーが動いていない" in page


# --- the real worker ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_runs_the_dry_run_and_the_import(client, plan, admin_user):
    client.force_login(admin_user)
    job_url = upload(client, good_book())
    assert ImportJob.objects.get().state == ImportJob.State.CHECKING

    call_command("run_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    page = client.get(job_url).content.decode()
    assert "この内容で取り込む" in page and not YearlyStatus.objects.exists()
    assert confirm(client).status_code == 302
    assert "取り込んでいます" in client.get(job_url).content.decode()

    call_command("run_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    assert "取り込みました" in client.get(job_url).content.decode()
    assert YearlyStatus.objects.get().updated_by == admin_user
    assert ImportJob.objects.get().state == ImportJob.State.DONE
    assert jobs.live_workers() == []  # the heartbeat ends with the worker


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_the_health_check_wants_a_live_worker(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 500
    assert "ワーカーが動いていません" in response.json()["TaskWorkerAlive()"]
    with jobs.worker_heartbeat():
        time.sleep(0.2)
        assert client.get("/health/?format=json").status_code == 200


@pytest.mark.django_db
def test_a_new_upload_lets_go_of_the_previous_dry_runs_file(client, plan, admin_user):
    client.force_login(admin_user)
    upload(client, good_book("達成"))
    upload(client, good_book("一部達成"))
    first, second = ImportJob.objects.order_by("created_at")
    assert (first.state, bytes(first.data)) == (ImportJob.State.FAILED, b"")
    assert second.state == ImportJob.State.CHECKED and bytes(second.data)
