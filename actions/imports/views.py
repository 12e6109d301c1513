"""Spreadsheet import and export pages (/imports/).

Downloads (the template, a plan's export): admins and managers. Upload and
confirmation: admins only, POST only. Neither reads the workbook in the
request: the upload is stored (an ImportJob) and its dry run runs as a
background task, as does the import once confirmed (actions.imports.tasks).
The job's page (/imports/jobs/<id>/) shows where it stands on every load:
progress while a task runs (static/js/imports.js polls status.json), the dry
run's findings, the result, or why it stopped. The session keeps the upload's
digest, and the confirmation imports only the very bytes the dry run checked.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from actions.imports import dead_jobs, initial_passwords, jobs
from actions.imports.forms import ConfirmForm, UploadForm
from actions.imports.tasks import INITIAL_PASSWORDS, apply_import, check_import
from actions.imports.workbook import exporter, store
from actions.imports.workbook import sheets as S
from actions.imports.workbook.report import preview_context
from actions.models import ImportJob
from actions.permissions import can_import, is_manager
from plans.models import Plan
from reports.exporting import content_disposition

SESSION_PENDING = "imports_pending"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(check):
    """Anonymous users go to the login page; signed-in users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied("この操作を行う権限がありません。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


can_download = is_manager  # admins count as managers


@require_GET
@_allowed(can_download)
def index(request):
    initial_passwords.purge_expired()  # the worker does it too; not every site runs one
    return render(request, "imports/index.html", _index_context(request, UploadForm()))


def _index_context(request, form, refused=None):
    unfinished = None
    if can_import(request.user):
        unfinished = (
            ImportJob.objects.filter(user=request.user)
            .exclude(state__in=[ImportJob.State.DONE, ImportJob.State.FAILED])
            .defer("data")
            .first()
        )
    return {
        "plans": Plan.objects.for_town(request.town).order_by("published_on", "slug"),
        "form": form,
        "refused": refused,
        "can_upload": can_import(request.user),
        "sheets": S.SHEETS,
        "unfinished": unfinished,
    }


@require_GET
@_allowed(can_download)
def template_download(request):
    book = exporter.build_workbook(
        Plan.objects.for_town(request.town), template=True, town=request.town
    )
    return _xlsx_response(exporter.workbook_bytes(book), exporter.export_filename(template=True))


@require_GET
@_allowed(can_download)
def export_plan(request, slug):
    plan = get_object_or_404(Plan.objects.for_town(request.town), slug=slug)
    if request.GET.get("format") == "csv":
        sheet = request.GET.get("sheet", S.STATUS.name)
        if sheet not in S.SHEETS_BY_NAME:
            return HttpResponse(
                "シート名が正しくありません。", status=400, content_type="text/plain; charset=utf-8"
            )
        response = HttpResponse(
            exporter.sheet_csv_bytes(sheet, [plan]), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition(
            exporter.export_filename(plan, extension="csv", sheet=sheet)
        )
        return response
    book = exporter.build_workbook([plan])
    return _xlsx_response(exporter.workbook_bytes(book), exporter.export_filename(plan))


def _xlsx_response(data, filename):
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


@require_POST
@_allowed(can_import)
def upload(request):
    """Store the file and start its dry run in the background; the job's page shows it."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "imports/index.html", _index_context(request, form), status=400)
    upload_file = form.cleaned_data["file"]
    # Only the latest dry run can be confirmed (the session holds one): earlier
    # ones let go of their files.
    ImportJob.objects.filter(user=request.user, state=ImportJob.State.CHECKED).update(
        state=ImportJob.State.FAILED,
        data=b"",
        failure="新しいファイルを選んだため、この点検結果からは取り込めません。",
    )
    job = store.save_upload(
        upload_file.read(), filename=upload_file.name, user=request.user, town=request.town
    )
    request.session[SESSION_PENDING] = {"job": job.pk.hex, "digest": job.digest}
    check_import.enqueue(str(job.pk))
    return redirect("imports:job", job_id=job.pk)


def _own_job(request, job_id):
    """The user's own import job; anybody else's is not found."""
    job = ImportJob.objects.filter(pk=job_id, user=request.user).defer("data").first()
    if job is None:
        raise Http404("この取込は見つかりません。")
    return job


def _stage(job):
    """Where a running job stands: (progress or None, stalled, waiting for a worker).

    A job whose worker died is marked failed here and now (dead_jobs), in the
    database too: ``stalled``, and ``job`` says 中止 with the message to upload again.
    """
    if job.is_running and dead_jobs.fail_dead_jobs(job):
        job.refresh_from_db(fields=["state", "failure", "updated_at"])
        return None, True, False
    progress = jobs.read_progress(job.pk) if job.is_running else None
    waiting = (
        job.is_running and progress is None and jobs.worker_needed() and not jobs.live_workers()
    )
    return progress, False, waiting


STOPPED = dead_jobs.STOPPED
WAITING_FOR_WORKER = (
    "処理を実行するワーカーが動いていないため、待機しています。"
    "管理者に「manage.py run_worker」が動いているか確認を依頼してください。"
)


@require_GET
@never_cache
@_allowed(can_import)
def job_page(request, job_id):
    job = _own_job(request, job_id)
    progress, stalled, waiting = _stage(job)
    # A refused or failed file is chosen again right there.
    context = {"job_record": job, "filename": job.filename, "upload_form": UploadForm()}
    if stalled:
        return render(request, "imports/result.html", {**context, "failure": STOPPED})
    if job.is_running:
        return render(
            request,
            "imports/progress.html",
            {
                **context,
                "progress": _progress_view(job, progress),
                "waiting": waiting,
                "waiting_message": WAITING_FOR_WORKER,
            },
        )
    if job.state == ImportJob.State.DONE:
        return _result_page(request, job, context)
    if job.report is None:  # refused before a dry run could read it
        return render(request, "imports/result.html", {**context, "failure": job.failure})
    if job.state == ImportJob.State.FAILED:
        messages.error(request, job.failure)
    return render(
        request,
        "imports/preview.html",
        {**context, **preview_context(job.report), "confirm_form": _confirm_form(request, job)},
    )


def _result_page(request, job, context):
    """The import's result; new accounts' initial passwords are shown this once, then dropped.

    They are kept sealed (actions.imports.initial_passwords) and only for a
    short time: after it, the page says they can no longer be shown.
    """
    outcome = dict(job.outcome or {})
    passwords, expired = [], False
    if INITIAL_PASSWORDS in outcome:
        passwords = initial_passwords.unseal(outcome.pop(INITIAL_PASSWORDS))
        expired = passwords is None
        passwords = passwords or []
        ImportJob.objects.filter(pk=job.pk).update(outcome=outcome)
    # never_cache on the view: no-store, so the passwords stay out of any cache.
    return render(
        request,
        "imports/result.html",
        {
            **context,
            "outcome": outcome,
            "initial_passwords": passwords,
            "passwords_expired": initial_passwords.expired_message() if expired else "",
        },
    )


def _confirm_form(request, job):
    pending = request.session.get(SESSION_PENDING) or {}
    confirmable = (
        job.state == ImportJob.State.CHECKED
        and job.report.get("ok")
        and job.report.get("total_writes")
        and pending.get("job") == job.pk.hex
    )
    return ConfirmForm(initial={"token": job.pk.hex}) if confirmable else None


def _progress_view(job, progress):
    progress = progress or {}
    done, total = progress.get("done", 0), progress.get("total", 0)
    label = progress.get("label") or job.get_state_display()
    if job.state == ImportJob.State.QUEUED and not progress:
        label = "取込の順番を待っています"
    elif job.state == ImportJob.State.CHECKING and not progress:
        label = "点検の順番を待っています"
    return {
        "label": label,
        "done": done,
        "total": total,
        "percent": round(done * 100 / total) if total else None,
    }


@require_GET
@never_cache
@_allowed(can_import)
def job_status(request, job_id):
    """What the progress page polls: the job's state and, while it runs, its progress."""
    job = _own_job(request, job_id)
    progress, stalled, waiting = _stage(job)
    return JsonResponse(
        {
            "state": job.state,
            "running": job.is_running and not stalled,
            "stalled": stalled,
            "waiting_for_worker": waiting,
            **_progress_view(job, progress),
        }
    )


@require_POST
@_allowed(can_import)
def confirm(request):
    """Start the import of a checked file, if it is still the very file the dry run read."""
    form = ConfirmForm(request.POST)
    pending = request.session.get(SESSION_PENDING) or {}
    if not form.is_valid() or form.cleaned_data["token"] != pending.get("job"):
        messages.error(
            request, "取込の確認が無効か、期限切れです。もう一度ファイルを選んで確認してください。"
        )
        return redirect("imports:index")
    job = get_object_or_404(ImportJob, pk=pending["job"], user=request.user)
    if job.state != ImportJob.State.CHECKED or not job.report.get("ok"):
        return redirect("imports:job", job_id=job.pk)
    try:
        store.load_upload(job, expected_digest=pending.get("digest"))
    except store.UploadChanged as changed:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED, failure=str(changed), data=b""
        )
        request.session.pop(SESSION_PENDING, None)
        messages.error(request, str(changed))
        return redirect("imports:index")
    # Only the first of two quick clicks starts the import.
    if ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).update(
        state=ImportJob.State.QUEUED
    ):
        request.session.pop(SESSION_PENDING, None)
        apply_import.enqueue(str(job.pk))
    return redirect("imports:job", job_id=job.pk)
