"""The year's report: its page, its downloads (Word, Excel, PDF) and the 本部's edit page.

A published year's report is public; a draft (unpublished year) is shown to
signed-in staff only and is 404 for anyone else, in every format. The
narrative is written by managers and admins (actions.permissions) through
reports.services.save_year_report.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from actions.models import EvaluationYear
from actions.permissions import can_edit_year_report, can_view_internal
from nakai_dx.languages import japanese_only
from plans import wareki
from plans.templatetags.translated import plan_title_text
from reports import services
from reports.exporting import content_disposition
from reports.forms import YearReportForm
from reports.queries import get_plan, parse_year_param
from reports.yearly_report import FORMATS, filename
from reports.yearly_report import render as render_report
from reports.yearly_report.content import build_report, narrative_for

DOWNLOADS = ("docx", "xlsx", "pdf")
# The files are the town's report as published, in Japanese whatever the page's language.
DOWNLOAD_LABELS = {
    "docx": gettext_lazy("Word（.docx）"),
    "xlsx": gettext_lazy("Excel（.xlsx）"),
    "pdf": gettext_lazy("PDF"),
}


def _report_year(request, slug, year_text):
    """(plan, fiscal year, is_draft) if this user may read that report, else 404."""
    plan = get_plan(request.town, slug)
    fiscal_year = parse_year_param(year_text)
    label = wareki.fiscal_year_label(fiscal_year)
    if not plan.covers_fiscal_year(fiscal_year):
        raise Http404(
            gettext("{year}は{plan}の評価の対象年度（{years}）ではありません。").format(
                year=label, plan=plan_title_text(plan), years=plan.fiscal_years_label
            )
        )
    is_draft = fiscal_year not in EvaluationYear.objects.published_years(plan)
    if is_draft and not can_view_internal(request.user):
        raise Http404(
            gettext("{plan}の{year}の報告書は公表されていません。").format(
                plan=plan_title_text(plan), year=label
            )
        )
    return plan, fiscal_year, is_draft


def _downloads(plan, fiscal_year):
    return [
        {
            "label": DOWNLOAD_LABELS[fmt],
            "url": reverse("reports:year_report_file", args=[plan.slug, fiscal_year, fmt]),
        }
        for fmt in DOWNLOADS
    ]


def year_report(request, slug, year):
    plan, fiscal_year, is_draft = _report_year(request, slug, year)
    report = build_report(plan, fiscal_year, is_draft=is_draft)
    response = render(
        request,
        "reports/year_report.html",
        {
            "report": report,
            "downloads": _downloads(plan, fiscal_year),
            "can_edit": can_edit_year_report(request.user),
            "edit_url": reverse("reports:year_report_edit", args=[plan.slug, fiscal_year]),
        },
    )
    if is_draft:
        response["Cache-Control"] = "private, no-store"
    return response


def year_report_file(request, slug, year, fmt):
    if fmt not in DOWNLOADS:
        raise Http404(
            gettext("「{format}」の形式はありません。docx、xlsx、pdf のいずれかです。").format(
                format=fmt
            )
        )
    plan, fiscal_year, is_draft = _report_year(request, slug, year)
    with translation.override("ja"):  # the town's report as published, from any page
        content = build_report(plan, fiscal_year, is_draft=is_draft)
        response = HttpResponse(render_report(content, fmt), content_type=FORMATS[fmt][0])
        response["Content-Disposition"] = content_disposition(filename(content, fmt))
    response["Cache-Control"] = "private, no-store" if is_draft else "public, max-age=300"
    return response


@japanese_only
@login_required
def year_report_edit(request, slug, year):
    if not can_edit_year_report(request.user):
        raise PermissionDenied("報告書の記述を編集する権限がありません。")
    plan, fiscal_year, is_draft = _report_year(request, slug, year)
    page_url = reverse("reports:year_report", args=[plan.slug, fiscal_year])
    preview = None
    if request.method == "POST":
        form = YearReportForm(request.POST, plan=plan)
        if form.is_valid():
            narrative = form.narrative()
            if "preview" in request.POST:
                preview = build_report(plan, fiscal_year, is_draft=is_draft, narrative=narrative)
            else:
                try:
                    _, changed = services.save_year_report(
                        plan,
                        fiscal_year,
                        narrative,
                        expected_version=form.cleaned_data["version"],
                        user=request.user,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if changed:
                        messages.success(
                            request, "報告書の記述を保存しました（変更履歴に記録しました）。"
                        )
                    else:
                        messages.info(request, "変更はありませんでした。")
                    return redirect(page_url)
    else:
        form = YearReportForm.for_narrative(plan, narrative_for(plan, fiscal_year))
    return render(
        request,
        "reports/year_report_edit.html",
        {
            "plan": plan,
            "fiscal_year": fiscal_year,
            "year_label": wareki.fiscal_year_label(fiscal_year),
            "is_draft": is_draft,
            "form": form,
            "report": preview,
            "page_url": page_url,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
