"""Jobs whose worker died are marked failed, in the database, with the message to upload again.

A worker killed mid-job (kill -9, out of memory, a machine restart) leaves its
django-tasks result RUNNING and the ImportJob 点検中 / 取込待ち / 取込中 for
ever: the import's own transaction rolled back, so nothing was written, but
nobody said so. A job is dead when the worker that claimed its task is gone
(on this machine: its process no longer exists; on another: its heartbeat
file is older than jobs.WORKER_STALE_AFTER) or when its progress file has
stopped changing (jobs.JOB_STALE_AFTER). fail_dead_jobs() marks such jobs
and their tasks failed; the worker runs it when it starts and with every
heartbeat, and the job's page for the job it shows, so the page says so at
once (within WORKER_STALE_AFTER for a worker on another machine).
"""

from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus

from actions.imports import jobs
from actions.models import ImportJob

STOPPED = (
    "取込の処理が途中で止まりました（処理をするワーカーの停止など）。"
    "書き込みは1つのトランザクションで行うため、何も書き込まれていません。"
    "もう一度ファイルを選んで取り込んでください。"
)
TASK_PATHS = ("actions.imports.tasks.check_import", "actions.imports.tasks.apply_import")
WORKER_LOST = "actions.imports.dead_jobs.WorkerLost"


def _running_tasks(job_ids):
    """{job id: the RUNNING DBTaskResult of its check or import} (django-tasks-db's table)."""
    if not jobs.worker_needed():
        return {}
    from django_tasks_db.models import DBTaskResult

    running = {}
    for result in DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path__in=TASK_PATHS
    ):
        args = (result.args_kwargs or {}).get("args") or [None]
        if str(args[0]) in job_ids:
            running[str(args[0])] = result
    return running


def _is_dead(job, task):
    progress = jobs.read_progress(job.pk)
    if progress is not None and progress["age"] > jobs.JOB_STALE_AFTER:
        return True
    if task is not None and task.worker_ids:
        return jobs.worker_state(task.worker_ids[-1]) == jobs.DEAD
    return False


def fail_dead_jobs(job=None):
    """Mark failed the running jobs (or ``job``) whose worker is gone; returns their ids."""
    running = ImportJob.objects.filter(state__in=ImportJob.RUNNING).defer("data")
    if job is not None:
        running = running.filter(pk=job.pk)
    candidates = {str(candidate.pk): candidate for candidate in running}
    if not candidates:
        return []
    tasks = _running_tasks(set(candidates))
    dead = [key for key, candidate in candidates.items() if _is_dead(candidate, tasks.get(key))]
    if not dead:
        return []
    try:
        with transaction.atomic():
            ImportJob.objects.filter(pk__in=dead, state__in=ImportJob.RUNNING).update(
                state=ImportJob.State.FAILED, failure=STOPPED, data=b"", updated_at=timezone.now()
            )
            for key in dead:
                if key in tasks:
                    _fail_task(tasks[key])
    except DatabaseError:
        return []  # the database is busy or gone: the next heartbeat or page view tries again
    for key in dead:
        jobs.discard_progress(key)
    return dead


def _fail_task(result):
    type(result).objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=WORKER_LOST,
        traceback="The worker running this task stopped (its process is gone).",
    )
