"""Spreadsheet import and export pages (/imports/).

Downloads (the template, a plan's export): admins and managers. Upload and
confirmation: admins only, POST only. The dry run keeps the upload in a
private temp file whose token is in the session; the confirmation re-checks
the whole file and then writes it in one transaction, streaming progress.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from actions.forms_import import ConfirmForm, UploadForm
from actions.permissions import can_import, is_manager
from actions.workbook import exporter, store
from actions.workbook import sheets as S
from actions.workbook.importer import WorkbookImport
from actions.workbook.reader import ImportRefused, read_upload
from plans.models import Plan
from reports.exporting import content_disposition

SESSION_PENDING = "imports_pending"
SESSION_RESULT = "imports_result"
PROGRESS_MARKER = "<!--import-progress-->"
MAX_CHANGES_SHOWN = 300
MAX_ERRORS_SHOWN = 1000
INITIAL_PASSWORDS = "initial_passwords"
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
    return render(request, "imports/index.html", _index_context(request, UploadForm()))


def _index_context(request, form, refused=None):
    return {
        "plans": Plan.objects.order_by("published_on", "slug"),
        "form": form,
        "refused": refused,
        "can_upload": can_import(request.user),
        "sheets": S.SHEETS,
    }


@require_GET
@_allowed(can_download)
def template_download(request):
    book = exporter.build_workbook(Plan.objects.all(), template=True)
    return _xlsx_response(exporter.workbook_bytes(book), exporter.export_filename(template=True))


@require_GET
@_allowed(can_download)
def export_plan(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
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
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "imports/index.html", _index_context(request, form), status=400)
    upload_file = form.cleaned_data["file"]
    data = upload_file.read()
    try:
        job = WorkbookImport(read_upload(data, upload_file.name), user=request.user).validate()
    except ImportRefused as exc:
        return render(
            request, "imports/index.html", _index_context(request, form, str(exc)), status=400
        )
    previous = request.session.get(SESSION_PENDING)
    if previous:
        store.discard(previous.get("token"))
    token = None
    if job.ok and job.total_writes:
        token = store.save_upload(data)
        request.session[SESSION_PENDING] = {"token": token, "name": upload_file.name}
    else:
        request.session.pop(SESSION_PENDING, None)
    return render(request, "imports/preview.html", _preview_context(job, upload_file.name, token))


def _preview_context(job, filename, token):
    return {
        "job": job,
        "filename": filename,
        "summaries": job.present_summaries,
        "errors": job.errors[:MAX_ERRORS_SHOWN],
        "errors_hidden": max(len(job.errors) - MAX_ERRORS_SHOWN, 0),
        "changes": job.changes[:MAX_CHANGES_SHOWN],
        "changes_hidden": max(len(job.changes) - MAX_CHANGES_SHOWN, 0),
        "confirm_form": ConfirmForm(initial={"token": token}) if token else None,
    }


@require_POST
@_allowed(can_import)
def confirm(request):
    form = ConfirmForm(request.POST)
    pending = request.session.get(SESSION_PENDING) or {}
    if not form.is_valid() or form.cleaned_data["token"] != pending.get("token"):
        messages.error(
            request, "取込の確認が無効か、期限切れです。もう一度ファイルを選んで確認してください。"
        )
        return redirect("imports:index")
    token = pending["token"]
    try:
        data = store.load_upload(token)
    except FileNotFoundError:
        request.session.pop(SESSION_PENDING, None)
        messages.error(
            request, "確認したファイルが見つかりません。もう一度ファイルを選んでください。"
        )
        return redirect("imports:index")
    try:
        job = WorkbookImport(
            read_upload(data, pending.get("name", "")), user=request.user
        ).validate()
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:index")
    if not job.ok:
        # The data changed since the dry run (e.g. a year was locked meanwhile).
        return render(
            request, "imports/preview.html", _preview_context(job, pending.get("name"), None)
        )
    request.session.pop(SESSION_PENDING, None)
    request.session[SESSION_RESULT] = token
    page = render_to_string(
        "imports/progress.html",
        {"filename": pending.get("name"), "marker": PROGRESS_MARKER},
        request=request,
    )
    head, tail = page.split(PROGRESS_MARKER, 1)
    response = StreamingHttpResponse(
        _progress_chunks(job, token, pending.get("name"), head, tail),
        content_type="text/html; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # let nginx pass the chunks through
    return response


def _progress_chunks(job, token, filename, head, tail):
    yield head
    failure = None
    try:
        with transaction.atomic():
            for done, total, label in job.apply_steps():
                percent = round(done * 100 / total)
                yield format_html(
                    '<div class="import-progress__step"><progress max="{}" value="{}">{}%</progress> '
                    "{}（{} / {} 件）</div>\n",
                    total,
                    done,
                    percent,
                    label,
                    done,
                    total,
                )
    except (ValidationError, DatabaseError) as exc:
        failure = " ".join(getattr(exc, "messages", [str(exc)]))
    store.save_result(token, _result_dict(job, filename, failure))
    store.discard(token)
    link = reverse("imports:result")
    if failure:
        yield format_html(
            '<p class="import-progress__failed" role="alert">取込を中止しました。何も書き込んでいません。{}</p>',
            failure,
        )
    yield format_html(
        '<p class="import-progress__done"><a class="button" href="{}" data-import-result>取込結果を見る</a></p>',
        link,
    )
    yield tail


def _result_dict(job, filename, failure):
    applied = job.applied and not failure
    return {
        "filename": filename,
        "applied": applied,
        "failure": failure or "",
        "summaries": [
            {"name": s.name, "created": s.created, "updated": s.updated, "unchanged": s.unchanged}
            for s in job.present_summaries
        ],
        "new_sections": [str(section) for section in job.new_sections] if applied else [],
        # Shown once: the result page takes them out of the stored result as it shows them.
        INITIAL_PASSWORDS: [
            {"username": p.username, "name": p.name, "password": p.password}
            for p in job.initial_passwords
        ]
        if applied
        else [],
    }


@require_GET
@_allowed(can_import)
def result(request):
    token = request.session.get(SESSION_RESULT)
    try:
        outcome = store.load_result(token)
    except (FileNotFoundError, TypeError, ValueError):
        outcome = None
    passwords = []
    if outcome and outcome.get(INITIAL_PASSWORDS):
        passwords = outcome.pop(INITIAL_PASSWORDS)
        store.save_result(token, outcome)  # the passwords are not kept once shown
    response = render(
        request, "imports/result.html", {"result": outcome, "initial_passwords": passwords}
    )
    response["Cache-Control"] = "no-store"
    return response
