"""「年度の確定・公表」: the year list and the confirmation pages of 確定, 公表 and 公表取消.

Locking, publishing and withdrawing a publication each open a page that shows
what the action will fix or show to the public (GET) and act only on its
confirmed form (POST). Unlocking is asked for on the year list with a reason.
The rules (a reason for a lock with gaps or a withdrawal) are the services'.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from actions import permissions, services
from actions.models import EvaluationYear, YearlyStatus
from actions.years.forms import LockYearForm, PublishYearForm, UnlockForm, UnpublishYearForm
from plans import wareki
from plans.models import Plan
from reports.completeness import year_completeness


def _get_plan_for_year_action(request, slug, fiscal_year, allowed):
    """The plan whose ``fiscal_year`` the user may lock, unlock or publish, or 404/403."""
    if not allowed(request.user):
        raise PermissionDenied("この操作を行う権限がありません。")
    plan = get_object_or_404(Plan.objects.for_town(request.town), slug=slug)
    if not plan.covers_fiscal_year(fiscal_year):
        raise Http404("計画期間外の年度です。")
    return plan


def _subject(plan, year):
    return f"{plan}の{wareki.fiscal_year_label(year)}"


def _unchanged(request):
    messages.info(request, "状態は変わっていません（すでにその状態です）。")
    return redirect("actions:years")


@login_required
def years(request):
    """Every plan's in-force fiscal years with their state and the way to each action."""
    if not permissions.can_lock_year(request.user):
        raise PermissionDenied("このページを表示する権限がありません。")
    return _render_years(request)


def _render_years(request, unlock_form=None, status=200):
    """The year list; ``unlock_form`` is a refused unlock, shown open beside its year."""
    user = request.user
    refused = (unlock_form.plan.pk, unlock_form.fiscal_year) if unlock_form else None
    plans = list(Plan.objects.for_town(request.town))
    states = {
        (ev.plan_id, ev.fiscal_year): ev
        for ev in EvaluationYear.objects.for_town(request.town).select_related(
            "locked_by", "published_by"
        )
    }
    counts = {
        (row["item__plan"], row["fiscal_year"]): row["recorded"]
        for row in YearlyStatus.objects.filter(item__plan__town=request.town)
        .exclude(status="")
        .values("item__plan", "fiscal_year")
        .annotate(recorded=Count("id"))
    }
    item_counts = dict(
        Plan.objects.for_town(request.town).annotate(n=Count("items")).values_list("pk", "n")
    )
    sections = []
    for plan in plans:
        rows = [
            {
                "year": year,
                "label": wareki.fiscal_year_label(year),
                "evaluation": states.get((plan.pk, year)),
                "recorded": counts.get((plan.pk, year), 0),
                "unlock_form": unlock_form if refused == (plan.pk, year) else None,
            }
            for year in plan.fiscal_years
        ]
        sections.append({"plan": plan, "rows": rows, "item_count": item_counts.get(plan.pk, 0)})
    context = {
        "sections": sections,
        "can_lock": permissions.can_lock_year(user),
        "can_unlock": permissions.can_unlock_year(user),
        "can_publish": permissions.can_publish_year(user),
    }
    return render(request, "actions/years.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lock_year(request, slug, year):
    """確定: the page lists the gaps; with gaps the lock needs a reason."""
    plan = _get_plan_for_year_action(request, slug, year, permissions.can_lock_year)
    completeness = year_completeness(plan, year)
    if completeness.evaluation and completeness.evaluation.is_locked:
        return _unchanged(request)
    if request.method == "POST":
        form = LockYearForm(request.POST)
        if form.is_valid():
            try:
                services.lock_year(
                    plan,
                    year,
                    reason=form.cleaned_data["reason"],
                    expected_gaps=form.expected_gaps(),
                    user=request.user,
                )
            except ValidationError as error:
                # Shown again with the gaps as they are now, the typed reason kept.
                completeness = year_completeness(plan, year)
                data = request.POST.copy()
                data.update(LockYearForm.seen(completeness.gaps))
                form = LockYearForm(data)
                form.is_valid()
                field = "reason" if error.code == "reason_required" else None
                for message in error.messages:
                    form.add_error(field, message)
            else:
                messages.success(request, f"{_subject(plan, year)}の評価を確定しました。")
                return redirect("actions:years")
    else:
        form = LockYearForm(initial=LockYearForm.seen(completeness.gaps))
    return render(
        request,
        "actions/year_lock.html",
        {"plan": plan, "completeness": completeness, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish_year(request, slug, year):
    """公表: the page shows the figures the public will see, provisional ones marked."""
    plan = _get_plan_for_year_action(request, slug, year, permissions.can_publish_year)
    completeness = year_completeness(plan, year)
    evaluation = completeness.evaluation
    if evaluation and evaluation.is_published:
        return _unchanged(request)
    form = PublishYearForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_year(plan, year, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            field = "reason" if error.code == "reason_required" else None
            for message in error.messages:
                form.add_error(field, message)
        else:
            messages.success(request, f"{_subject(plan, year)}の評価を公表しました。")
            return redirect("actions:years")
    return render(
        request,
        "actions/year_publish.html",
        {
            "plan": plan,
            "completeness": completeness,
            "form": form,
            "is_locked": bool(evaluation and evaluation.is_locked),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unpublish_year(request, slug, year):
    """公表取消: asks for the reason, which the audit log keeps."""
    plan = _get_plan_for_year_action(request, slug, year, permissions.can_publish_year)
    evaluation = EvaluationYear.objects.filter(plan=plan, fiscal_year=year).first()
    if not (evaluation and evaluation.is_published):
        return _unchanged(request)
    form = UnpublishYearForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unpublish_year(
                plan, year, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("reason", message)
        else:
            messages.success(request, f"{_subject(plan, year)}の公表を取り消しました。")
            return redirect("actions:years")
    return render(
        request,
        "actions/year_unpublish.html",
        {
            "plan": plan,
            "evaluation": evaluation,
            "year_label": wareki.fiscal_year_label(year),
            "form": form,
        },
    )


@login_required
@require_POST
def unlock_year(request, slug, year):
    plan = _get_plan_for_year_action(request, slug, year, permissions.can_unlock_year)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        # The list again, this year's unlock form open with the error beside the reason.
        form.plan, form.fiscal_year = plan, year
        return _render_years(request, unlock_form=form, status=400)
    try:
        _, changed = services.unlock_year(
            plan, year, reason=form.cleaned_data["reason"], user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("actions:years")
    if not changed:
        return _unchanged(request)
    messages.success(request, f"{_subject(plan, year)}の確定を解除しました。")
    return redirect("actions:years")
