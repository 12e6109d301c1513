"""The staff workflow: 担当の取組, the status form, the audit log (years: year_views).

Views parse input, ask actions.permissions, and call actions.services; the
item and year a request acts on are fetched through one helper each.
"""

import csv
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from actions import permissions, services, workflow
from actions.models import ActionItem, AuditEntry, EvaluationYear, KpiActual, YearlyStatus
from actions.round import reminders
from actions.status.forms import AuditFilterForm, StatusForm, status_initial
from actions.tables import AuditEntryTable
from nakai_dx import redirects
from plans import wareki
from plans.models import Plan
from reports.exporting import content_disposition, safe_cell

AUDIT_PAGE_SIZE = 50


# Access helpers: whether a request may act on an object is decided here only.


def _get_item_for_edit(request, slug, code, fiscal_year):
    """The item whose evaluation for ``fiscal_year`` the user may record, or 404/403."""
    plan = get_object_or_404(Plan.objects.for_town(request.town), slug=slug)
    item = get_object_or_404(
        ActionItem.objects.with_code(plan, code).select_related("plan", "section", "primary_area")
    )
    if not item.plan.covers_fiscal_year(fiscal_year):
        raise Http404("計画期間外の年度です。")
    if not permissions.can_edit_item(request.user, item):
        raise PermissionDenied("この取組の達成状況を記録する権限がありません。")
    return item


def _require(check, user):
    if not check(user):
        raise PermissionDenied("このページを表示する権限がありません。")


def current_fiscal_year(plan):
    """This fiscal year, clamped to the plan period."""
    year = wareki.fiscal_year_of_date(timezone.localdate())
    return min(max(year, plan.first_fiscal_year), plan.last_fiscal_year)


def _default_plan(plans):
    """The newest plan whose period covers this fiscal year (else the newest)."""
    this_year = wareki.fiscal_year_of_date(timezone.localdate())
    covering = [plan for plan in plans if plan.covers_fiscal_year(this_year)]
    return (covering or plans)[-1] if plans else None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _safe_next(request, default):
    return redirects.safe_next(request, default)


# Pages.


@login_required
def landing(request):
    """Where the login form sends people: the 本部 (managers, admins) to the progress board,
    staff and 課長 to their items (with the round's notice), anyone else home."""
    if permissions.is_manager(request.user):
        return redirect("actions:progress")
    if permissions.can_view_my_items(request.user):
        return redirect("actions:my_items")
    return redirect("reports:dashboard")


@login_required
def my_items(request):
    """「担当の取組」: the user's items with the chosen year's status, missing ones first."""
    user = request.user
    _require(permissions.can_view_my_items, user)
    plans = list(Plan.objects.for_town(request.town))
    plan = next((p for p in plans if p.slug == request.GET.get("plan")), None) or _default_plan(
        plans
    )
    if plan is None:
        return render(request, "actions/my_items.html", {"plan": None, "plans": plans})
    year = _int_or_none(request.GET.get("year"))
    if year is None or not plan.covers_fiscal_year(year):
        year = current_fiscal_year(plan)

    sees_all = permissions.sees_all_items(user)
    sections = None if sees_all else permissions.section_ids(user)
    items = list(
        ActionItem.objects.for_plan(plan)
        .in_sections(sections)
        .select_related("section", "primary_area", "plan")
        .missing_status_first(year)
        .with_status_for(year)
    )
    evaluation = EvaluationYear.objects.filter(plan=plan, fiscal_year=year).first()
    locked = bool(evaluation and evaluation.is_locked)
    saved = _int_or_none(request.GET.get("saved"))  # the item just saved: its row takes focus
    rows = []
    for item in items:
        status = item.status_for_year[0] if item.status_for_year else None
        state = workflow.state_of(status)
        can_edit = not locked and permissions.can_edit_item(user, item)
        rows.append(
            {
                "item": item,
                "focus": item.pk == saved,
                "status": status,
                "state": state,
                "can_edit": can_edit,
                "can_submit": can_edit and workflow.allows(workflow.SUBMIT, state),
                "token": f"{item.pk}:{status.version if status else 0}",
            }
        )
    context = {
        "plan": plan,
        "plans": plans,
        "year": year,
        "year_label": wareki.fiscal_year_label(year),
        "years": [(y, wareki.fiscal_year_label(y)) for y in plan.fiscal_years],
        "rows": rows,
        "missing_count": sum(1 for row in rows if not (row["status"] and row["status"].status)),
        "submittable_count": sum(1 for row in rows if row["can_submit"]),
        "returned_count": sum(1 for row in rows if row["state"] == workflow.S.RETURNED),
        "dues": reminders.due_rounds(user, town=request.town),
        "is_section_head": permissions.is_section_head(user),
        "next": request.get_full_path(),
        "evaluation": evaluation,
        "locked": locked,
        "sees_all": sees_all,
        "has_sections": sees_all or bool(sections),
    }
    return render(request, "actions/my_items.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_status(request, slug, year, code):
    """The status form of one item and fiscal year."""
    item = _get_item_for_edit(request, slug, code, year)
    kpis = list(item.kpis.all())
    current = (
        YearlyStatus.objects.select_related("updated_by")
        .filter(item=item, fiscal_year=year)
        .first()
    )
    actuals = dict(
        KpiActual.objects.filter(kpi__item=item, fiscal_year=year).values_list("kpi_id", "value")
    )
    locked = services.is_year_locked(item.plan, year)
    conflict = None
    default_next = reverse("actions:my_items") + f"?plan={item.plan.slug}&year={year}"

    if request.method == "POST":
        form = StatusForm(request.POST, kpis=kpis)
        if locked:
            form.is_valid()
            form.add_error(None, _locked_message(year))
        elif form.is_valid():
            and_submit = bool(request.POST.get("and_submit"))
            save = (
                services.record_and_submit_evaluation if and_submit else services.record_evaluation
            )
            try:
                changed = save(
                    item,
                    year,
                    status=form.cleaned_data["status"],
                    comment=form.cleaned_data["comment"],
                    evidence=form.cleaned_data["evidence"],
                    actuals=form.actuals(),
                    expected_actuals=form.expected_actuals(),
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleEditError as error:
                conflict = _conflict(item, year, error)
                form = _rebased_form(request.POST, kpis, conflict)
                form.add_error(None, error.messages[0])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                label = wareki.fiscal_year_label(year)
                if and_submit:
                    done = "保存して課長に提出しました" if changed else "課長に提出しました"
                    messages.success(request, f"「{item.title}」の{label}の評価を{done}。")
                elif changed:
                    messages.success(request, f"「{item.title}」の{label}の評価を保存しました。")
                else:
                    messages.info(
                        request, f"「{item.title}」の{label}の評価に変更はありませんでした。"
                    )
                return redirect(_back_to_row(_safe_next(request, default_next), item))
    else:
        form = StatusForm(initial=status_initial(current, actuals), kpis=kpis)

    state = workflow.state_of(current)
    context = {
        "item": item,
        "year": year,
        "year_label": wareki.fiscal_year_label(year),
        "form": form,
        "current": current,
        "state": state,
        # 「保存して提出」 where the item still waits for its staff (未入力・入力済み・差戻し);
        # a submitted or approved item is saved first (back to 入力済み), then offers it.
        "can_submit": not locked
        and state in workflow.NEEDS_STAFF
        and permissions.can_submit_item(request.user, item),
        "locked": locked,
        "locked_message": _locked_message(year) if locked else "",
        "conflict": conflict,
        "next": _safe_next(request, default_next),
    }
    return render(request, "actions/status_form.html", context, status=200)


def _back_to_row(target, item):
    """Back on 担当の取組, the saved item's row is found again: ?saved=<pk>.

    The list sorts unrated items first, so a saved item moves; the page focuses
    its next action (提出する, else 記録する) instead of starting at the top.
    """
    parts = urlsplit(target)
    if parts.path != reverse("actions:my_items"):
        return target
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "saved"]
    query.append(("saved", str(item.pk)))
    # No #fragment: a page opened at a fragment skips autofocus (HTML's rule), and the
    # focused button is scrolled into view anyway.
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def _locked_message(year):
    return (
        f"{wareki.fiscal_year_label(year)}の評価は確定済みのため変更できません。"
        "変更が必要な場合は管理者に確定の解除を依頼してください。"
    )


def _conflict(item, year, error):
    """What the other person saved: who, when, and all current values of the item and year."""
    status = (
        YearlyStatus.objects.select_related("updated_by")
        .filter(item=item, fiscal_year=year)
        .first()
    )
    actuals = list(
        KpiActual.objects.select_related("kpi", "updated_by").filter(
            kpi__item=item, fiscal_year=year
        )
    )
    latest = status
    if isinstance(error, services.StaleActualError) and error.current is not None:
        latest = error.current
    return {"status": status, "actuals": actuals, "latest": latest}


def _rebased_form(data, kpis, conflict):
    """The user's input kept, now based on the current version so it can be re-applied."""
    data = data.copy()
    status = conflict["status"]
    data["version"] = str(status.version if status else 0)
    current = {actual.kpi_id: actual.value for actual in conflict["actuals"]}
    for kpi in kpis:
        value = current.get(kpi.pk)
        data[StatusForm.kpi_original_field(kpi)] = "" if value is None else format(value, "f")
    form = StatusForm(data, kpis=kpis)
    form.is_valid()
    return form


def _filtered_audit_entries(request):
    form = AuditFilterForm(request.GET or None, town=request.town)
    entries = form.filter(AuditEntry.objects.for_town(request.town).with_related())
    return form, entries


@login_required
def audit_log(request):
    """「変更履歴」: every recorded change, filtered, paginated, exportable."""
    _require(permissions.can_view_audit_log, request.user)
    form, entries = _filtered_audit_entries(request)
    table = AuditEntryTable(entries)
    RequestConfig(request, paginate={"per_page": AUDIT_PAGE_SIZE}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "table": table, "query": query.urlencode()}
    return render(request, "actions/audit_log.html", context)


@login_required
def audit_log_csv(request):
    """The filtered audit log as CSV (UTF-8 with BOM so Japanese Excel opens it)."""
    _require(permissions.can_view_audit_log, request.user)
    _form, entries = _filtered_audit_entries(request)
    table = AuditEntryTable(entries)
    filename = f"変更履歴_{timezone.localdate():%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in table.as_values():
        writer.writerow([safe_cell(cell) for cell in row])
    return response
