"""The spreadsheet import as background tasks (django-tasks): the dry run and the import.

The upload page stores the file (an ImportJob) and enqueues check_import; the
confirmation enqueues apply_import. Both run in the worker, outside any web
request, and call the same WorkbookImport as the import_workbook command.
apply_import writes everything, and marks the job done, in one transaction:
a job that did not reach 取込完了 wrote nothing.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import task

from actions.imports import initial_passwords, jobs
from actions.imports.workbook import store
from actions.imports.workbook.importer import WorkbookImport
from actions.imports.workbook.reader import ImportRefused, read_upload
from actions.imports.workbook.report import dry_run_report
from actions.models import ImportJob

logger = logging.getLogger(__name__)

NOTHING_WRITTEN = "何も書き込んでいません。"
INITIAL_PASSWORDS = initial_passwords.KEY
DATABASE_FAILED = (
    "データベースとの接続が切れたため、取込を中止しました。" + NOTHING_WRITTEN + ""
    "データベースが動いていることを確かめてから、もう一度ファイルを選んで取り込んでください。"
)
UNEXPECTED = (
    "予期しないエラーのため、取込を中止しました。" + NOTHING_WRITTEN + ""
    "もう一度ファイルを選んで取り込み、同じことが起きる場合は管理者に連絡してください。"
)
CHANGED_SINCE_CHECK = (
    "点検した後に登録データが変わったため（年度の確定など）、取り込みませんでした。"
    + NOTHING_WRITTEN
    + "下のエラーを確かめて、もう一度ファイルを選んでください。"
)


def _fail(job, message, report=None):
    job.state = ImportJob.State.FAILED
    job.failure = message
    job.data = b""
    fields = ["state", "failure", "data", "updated_at"]
    if report is not None:
        job.report = report
        fields.append("report")
    try:
        job.save(update_fields=fields)
    except DatabaseError:
        logger.exception("Import job %s: the failure could not be recorded", job.pk)


def _validated(job, progress, label):
    progress.step(label)
    sheets = read_upload(store.load_upload(job), job.filename)
    return WorkbookImport(sheets, town=job.town, user=job.user).validate()


@task()
def check_import(job_id):
    """The dry run: read and check the stored upload, keep what the page shows."""
    job = ImportJob.objects.select_related("user", "town").get(pk=job_id)
    if job.state != ImportJob.State.CHECKING:
        return job.state
    with jobs.Progress(job.pk) as progress:
        try:
            workbook = _validated(job, progress, "ファイルを読み込んで点検しています")
        except (ImportRefused, store.UploadChanged) as refused:
            _fail(job, str(refused))
            return job.state
        except DatabaseError:
            _fail(job, DATABASE_FAILED)
            raise
        except Exception:
            _fail(job, UNEXPECTED)
            raise
        job.report = dry_run_report(workbook)
        job.state = ImportJob.State.CHECKED
        fields = ["report", "state", "updated_at"]
        if not (workbook.ok and workbook.total_writes):
            job.data = b""  # nothing to confirm: the file is not kept
            fields.append("data")
        job.save(update_fields=fields)
    jobs.discard_progress(job.pk)
    return job.state


@task()
def apply_import(job_id):
    """The import: check the file again against today's data, then write it all or nothing."""
    job = ImportJob.objects.select_related("user", "town").get(pk=job_id)
    if job.state != ImportJob.State.QUEUED:
        return job.state
    with jobs.Progress(job.pk) as progress:
        try:
            workbook = _validated(job, progress, "もう一度点検しています")
            if not workbook.ok:
                _fail(job, CHANGED_SINCE_CHECK, dry_run_report(workbook))
                return job.state
            job.state = ImportJob.State.APPLYING
            job.save(update_fields=["state", "updated_at"])
            with transaction.atomic():
                for done, total, label in workbook.apply_steps():
                    progress.step(label, done, total)
                # Marked done in the same transaction: 取込完了 and the data commit together.
                ImportJob.objects.filter(pk=job.pk).update(
                    state=ImportJob.State.DONE,
                    outcome=_outcome(workbook),
                    data=b"",
                    updated_at=timezone.now(),
                )
        except (ImportRefused, store.UploadChanged) as refused:
            _fail(job, str(refused))
        except ValidationError as refused:
            _fail(job, "取込を中止しました。" + NOTHING_WRITTEN + " ".join(refused.messages))
        except DatabaseError:
            _fail(job, DATABASE_FAILED)
            raise
        except Exception:
            _fail(job, UNEXPECTED)
            raise
    jobs.discard_progress(job.pk)
    job.refresh_from_db(fields=["state"])
    return job.state


def _outcome(workbook):
    return {
        "summaries": [
            {"name": s.name, "created": s.created, "updated": s.updated, "unchanged": s.unchanged}
            for s in workbook.present_summaries
        ],
        "total_writes": workbook.total_writes,
        "new_sections": [str(section) for section in workbook.new_sections],
    } | _sealed_passwords(workbook)


def _sealed_passwords(workbook):
    """Never in plain text in the database: sealed, shown once by the result page, then dropped."""
    if not workbook.initial_passwords:
        return {}
    return {
        INITIAL_PASSWORDS: initial_passwords.seal(
            [
                {"username": p.username, "name": p.name, "password": p.password}
                for p in workbook.initial_passwords
            ]
        )
    }
