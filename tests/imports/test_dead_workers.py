"""A worker that dies leaves no job 「順番を待っています」 for ever: the job and its task are failed.

The worker's id is its heartbeat's name (host-pid). A job whose task was
claimed by a worker whose process is gone (on this machine) or whose heartbeat
went stale (on another) is marked 中止 in the database, its task FAILED, and
its page says nothing was written and to upload again: at once when the page
is opened, and when the next worker starts.
"""

import os
import socket
import subprocess
import time

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from actions.imports import dead_jobs, jobs
from actions.imports.tasks import apply_import, check_import
from actions.models import ImportJob

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_tasks")]


@pytest.fixture
def database_tasks():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def _dead_pid():
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["sleep", "30"])
    process.kill()
    process.wait()
    return process.pid


def _claimed_job(admin_user, state, task, worker_id):
    """A job whose task a worker claimed, as the database holds it when the worker is killed."""
    job = ImportJob.objects.create(
        user=admin_user,
        filename="status.xlsx",
        digest="x",
        state=state,
        data=b"PK...",
        report={"ok": True, "total_writes": 1, "summaries": [], "errors": [], "changes": []},
    )
    task.enqueue(str(job.pk))
    result = DBTaskResult.objects.get(args_kwargs__args=[str(job.pk)])
    result.claim(worker_id)
    return job, result


def _says_stopped(page):
    return (
        "取込の処理が途中で止まりました" in page
        and "もう一度ファイルを選んで取り込んでください" in page
    )


@pytest.mark.parametrize(
    ("state", "task"),
    [
        (ImportJob.State.CHECKING, check_import),  # killed during the dry run
        (ImportJob.State.QUEUED, apply_import),  # killed during the re-check after confirm
        (ImportJob.State.APPLYING, apply_import),  # killed while writing
    ],
)
def test_the_page_says_at_once_that_a_killed_workers_job_stopped(client, admin_user, state, task):
    job, result = _claimed_job(admin_user, state, task, f"{socket.gethostname()}-{_dead_pid()}")
    jobs.write_progress(job.pk, "もう一度点検しています")  # fresh: the kill was just now
    client.force_login(admin_user)

    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert (status["running"], status["stalled"]) == (False, True)
    assert _says_stopped(client.get(reverse("imports:job", args=[job.pk])).text)
    job.refresh_from_db()
    result.refresh_from_db()
    assert (job.state, job.failure, bytes(job.data)) == (
        ImportJob.State.FAILED,
        dead_jobs.STOPPED,
        b"",
    )
    assert result.status == TaskResultStatus.FAILED and result.finished_at is not None
    assert jobs.read_progress(job.pk) is None


def test_a_job_of_a_live_worker_keeps_running(client, admin_user):
    job, result = _claimed_job(
        admin_user, ImportJob.State.APPLYING, apply_import, jobs.worker_name()
    )
    jobs.write_progress(job.pk, "達成状況を書き込んでいます", 10, 100)
    client.force_login(admin_user)
    page = client.get(reverse("imports:job", args=[job.pk])).text
    assert "達成状況を書き込んでいます" in page and not _says_stopped(page)
    job.refresh_from_db()
    result.refresh_from_db()
    assert (job.state, result.status) == (ImportJob.State.APPLYING, TaskResultStatus.RUNNING)


def test_a_worker_on_another_machine_is_dead_once_its_heartbeat_is_stale(admin_user):
    name = "other-host.example-4242"
    job, result = _claimed_job(admin_user, ImportJob.State.APPLYING, apply_import, name)
    beat = jobs.work_directory("workers") / f"{name}.json"
    beat.write_text('{"pid": 4242}')
    assert dead_jobs.fail_dead_jobs() == []
    old = time.time() - jobs.WORKER_STALE_AFTER - 1
    os.utime(beat, (old, old))
    assert dead_jobs.fail_dead_jobs() == [str(job.pk)]
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED


def test_a_worker_id_this_project_did_not_name_is_left_alone(admin_user):
    job, _ = _claimed_job(admin_user, ImportJob.State.APPLYING, apply_import, "x7Kq2mZpR4")
    assert dead_jobs.fail_dead_jobs() == []
    job.refresh_from_db()
    assert job.state == ImportJob.State.APPLYING


@pytest.mark.django_db(transaction=True)  # the heartbeat's thread has its own connection
def test_the_next_worker_marks_the_dead_workers_jobs_failed_when_it_starts(admin_user):
    job, result = _claimed_job(
        admin_user, ImportJob.State.QUEUED, apply_import, f"{socket.gethostname()}-{_dead_pid()}"
    )
    call_command("run_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    result.refresh_from_db()
    assert (job.state, job.failure) == (ImportJob.State.FAILED, dead_jobs.STOPPED)
    assert result.status == TaskResultStatus.FAILED
