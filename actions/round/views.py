"""The round's pages: progress board (進捗状況), 承認待ち, submit / approve / send back, round controls.

Every view asks actions.permissions who may act, before and item by item,
and writes only through actions.services (the round module), which checks
again and refuses a locked year or a move the table does not allow.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from actions import permissions, services, workflow
from actions.models import ActionItem, EvaluationState, EvaluationYear, KpiActual, YearlyStatus
from actions.round import progress
from actions.status.views import (
    _default_plan,
    _int_or_none,
    _require,
    _safe_next,
    current_fiscal_year,
)
from plans import wareki
from plans.models import Plan, PriorityArea, Section

ITEMS_PAGE_SIZE = 100
S = EvaluationState


# --- choosing the plan and year -----------------------------------------------------


def _chosen_year(request):
    """(plans, plan, year, evaluation) from ?plan=&year=; by default an open round's year."""
    plans = list(Plan.objects.for_town(request.town))
    slug, year = request.GET.get("plan"), _int_or_none(request.GET.get("year"))
    plan = next((p for p in plans if p.slug == slug), None)
    if plan is None:
        opened = (
            EvaluationYear.objects.for_town(request.town)
            .filter(round_opened_at__isnull=False, round_closed_at__isnull=True, is_locked=False)
            .order_by("deadline")
            .first()
        )
        if opened is not None:
            plan = next(p for p in plans if p.pk == opened.plan_id)
            year = year if year is not None else opened.fiscal_year
        else:
            plan = _default_plan(plans)
    if plan is None:
        return plans, None, None, None
    if year is None or not plan.covers_fiscal_year(year):
        year = current_fiscal_year(plan)
    evaluation = EvaluationYear.objects.filter(plan=plan, fiscal_year=year).first()
    return plans, plan, year, evaluation


def _year_context(plans, plan, year):
    return {
        "plans": plans,
        "plan": plan,
        "year": year,
        "year_label": wareki.fiscal_year_label(year) if year else "",
        "years": [(y, wareki.fiscal_year_label(y)) for y in plan.fiscal_years] if plan else [],
    }


def _round_context(evaluation, today=None):
    """What the round-state line needs: the deadline text and whether it has passed."""
    deadline = evaluation.deadline if evaluation else None
    today = today or timezone.localdate()
    return {
        "deadline_text": progress.deadline_text(deadline, today),
        "round_overdue": bool(deadline and deadline < today),
    }


def _year_query(plan, year):
    return f"?plan={plan.slug}&year={year}"


def token(status_or_item, version):
    """The value of a checkbox or button that moves one item: 「<item pk>:<version seen>」."""
    return f"{status_or_item.pk}:{version}"


# --- 進捗状況 ------------------------------------------------------------------------


@login_required
def progress_board(request):
    """「進捗状況」: counts per state, per section and per area; round controls for the 本部."""
    user = request.user
    _require(permissions.can_view_progress, user)
    plans, plan, year, evaluation = _chosen_year(request)
    context = {"board": None}
    if plan is not None:
        board = progress.progress_board(
            plan, year, evaluation, section_ids=permissions.progress_section_ids(user)
        )
        context = {
            **_year_context(plans, plan, year),
            "board": board,
            "evaluation": evaluation,
            "states": progress.STATES,
            "can_manage_round": permissions.can_manage_round(user),
            "sees_all": permissions.is_manager(user),
            "today": timezone.localdate(),
            # The deadline as the town writes it (和暦), which the field reads back as it is.
            "deadline_input": wareki.date_label(evaluation.deadline)
            if evaluation and evaluation.deadline
            else "",
            "items_url": reverse("actions:progress_items") + _year_query(plan, year),
            "section_caption": f"{plan} {wareki.fiscal_year_label(year)} 担当課ごとの状態（件数）",
            "area_caption": f"{plan} {wareki.fiscal_year_label(year)} 重点施策区分ごとの状態（件数）",
            **_round_context(evaluation),
        }
    return render(request, "actions/progress.html", context)


@login_required
def progress_items(request):
    """The items behind one number of the board: ?plan&year[&state][&section][&area]."""
    user = request.user
    _require(permissions.can_view_progress, user)
    plans, plan, year, evaluation = _chosen_year(request)
    if plan is None:
        raise Http404("計画が登録されていません。")
    state = request.GET.get("state") or None
    section = request.GET.get("section") or None
    area = request.GET.get("area") or None
    problems = []
    if state is not None and state not in S.values:
        problems.append("状態の指定が正しくありません。")
    area_obj = None
    if area is not None:
        area_obj = PriorityArea.objects.filter(plan=plan, pk=_int_or_none(area) or 0).first()
        if area_obj is None:
            problems.append("重点施策区分の指定が正しくありません。")
    section_obj = None
    if section is not None and section != progress.NO_SECTION:
        section_obj = (
            Section.objects.for_town(request.town).filter(pk=_int_or_none(section) or 0).first()
        )
        if section_obj is None:
            problems.append("担当課の指定が正しくありません。")
    allowed_sections = permissions.progress_section_ids(user)
    if section_obj is not None and allowed_sections is not None:
        if section_obj.pk not in allowed_sections:
            raise PermissionDenied("この担当課の取組を表示する権限がありません。")
    context = {
        **_year_context(plans, plan, year),
        "evaluation": evaluation,
        "problems": problems,
        "state_label": S(state).label if state and not problems else "",
        "section_label": (
            "（担当課未設定）" if section == progress.NO_SECTION else str(section_obj or "")
        ),
        "area_label": str(area_obj or ""),
        "board_url": reverse("actions:progress") + _year_query(plan, year),
    }
    if problems:
        return render(request, "actions/progress_items.html", context, status=400)
    items = progress.filtered_items(
        plan,
        year,
        state=state,
        section=section_obj.pk if section_obj else section,
        area=area_obj.pk if area_obj else None,
        section_ids=allowed_sections,
    ).with_status_for(year)
    page = Paginator(items, ITEMS_PAGE_SIZE).get_page(request.GET.get("page"))
    locked = bool(evaluation and evaluation.is_locked)
    rows = []
    for item in page.object_list:
        status = item.status_for_year[0] if item.status_for_year else None
        item_state = S(item.year_state)
        rows.append(
            {
                "item": item,
                "status": status,
                "state": item_state,
                "can_edit": not locked and permissions.can_edit_item(user, item),
                "can_send_back": not locked
                and workflow.allows(workflow.SEND_BACK, item_state)
                and permissions.can_send_back_item(user, item),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {"rows": rows, "page": page, "query": query.urlencode(), "next": request.get_full_path()}
    )
    return render(request, "actions/progress_items.html", context)


# --- 承認待ち --------------------------------------------------------------------------


@login_required
def approvals(request):
    """「承認待ち」: submitted items of the 課長's sections (all sections for the 本部)."""
    user = request.user
    _require(permissions.can_view_approvals, user)
    plans, plan, year, evaluation = _chosen_year(request)
    if plan is None:
        return render(request, "actions/approvals.html", {"plan": None})
    items = list(
        progress.filtered_items(
            plan,
            year,
            state=S.SUBMITTED,
            section_ids=permissions.progress_section_ids(user),
        )
    )
    statuses = {
        status.item_id: status
        for status in YearlyStatus.objects.filter(item__in=items, fiscal_year=year).select_related(
            "state_changed_by", "updated_by"
        )
    }
    actuals = {}
    for actual in KpiActual.objects.filter(kpi__item__in=items, fiscal_year=year).select_related(
        "kpi"
    ):
        actuals.setdefault(actual.kpi.item_id, []).append(actual)
    locked = bool(evaluation and evaluation.is_locked)
    four_eyes = permissions.four_eyes(request.town)
    rows = []
    for item in items:
        status = statuses[item.pk]
        rows.append(
            {
                "item": item,
                "status": status,
                "actuals": actuals.get(item.pk, []),
                "token": token(item, status.version),
                "can_approve": not locked
                and permissions.can_approve_status(user, item, status, four_eyes),
                "own_submission": four_eyes and permissions.is_own_submission(user, status),
                "can_send_back": not locked and permissions.can_send_back_item(user, item),
            }
        )
    context = {
        **_year_context(plans, plan, year),
        "evaluation": evaluation,
        "rows": rows,
        "locked": locked,
        "any_approvable": any(row["can_approve"] for row in rows),
        "is_section_head": permissions.is_section_head(user),
        "four_eyes": four_eyes,
        "next": request.get_full_path(),
    }
    return render(request, "actions/approvals.html", context)


# --- item moves ----------------------------------------------------------------------


def _posted_plan_year(request):
    plan = get_object_or_404(Plan.objects.for_town(request.town), slug=request.POST.get("plan", ""))
    year = _int_or_none(request.POST.get("year"))
    if year is None or not plan.covers_fiscal_year(year):
        raise Http404("計画期間外の年度です。")
    return plan, year


def _posted_entries(request, plan, year):
    """The MoveEntries a form posted (``only`` = one row's button, else the ticked ``items``)."""
    tokens = [request.POST["only"]] if request.POST.get("only") else request.POST.getlist("items")
    wanted = {}
    for text in tokens:
        pk, _, version = text.partition(":")
        pk, version = _int_or_none(pk), _int_or_none(version)
        if pk is None or version is None or version < 0:
            raise services.RoundRefused("送信された取組の指定が正しくありません。", code="invalid")
        wanted[pk] = version
    if not wanted:
        raise services.RoundRefused("取組が選ばれていません。", code="empty")
    items = {
        item.pk: item
        for item in ActionItem.objects.filter(plan=plan, pk__in=wanted).select_related(
            "plan", "section"
        )
    }
    if len(items) != len(wanted):
        raise services.RoundRefused("指定された取組が見つかりません。", code="invalid")
    return [services.MoveEntry(items[pk], year, version) for pk, version in wanted.items()]


def _move(request, may, service, done, default_next):
    """Shared body of the submit and approve views: check each item, move, report, go back."""
    plan, year = _posted_plan_year(request)
    target = _safe_next(request, default_next(plan, year))
    try:
        entries = _posted_entries(request, plan, year)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(target)
    if not all(may(request.user, entry.item) for entry in entries):
        raise PermissionDenied("この取組を操作する権限がありません。")
    try:
        moved = service(entries, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if len(moved) == 1:
            messages.success(request, f"「{entries[0].item.title}」を{done}しました。")
        else:
            messages.success(request, f"{len(moved)}件の取組を{done}しました。")
    return redirect(target)


@login_required
@require_POST
def submit(request):
    """提出: one item (its row's button) or the ticked ones, from 担当の取組 or the form."""
    _require(permissions.can_view_my_items, request.user)
    return _move(
        request,
        permissions.can_submit_item,
        services.submit_items,
        "提出",
        lambda plan, year: reverse("actions:my_items") + _year_query(plan, year),
    )


@login_required
@require_POST
def approve(request):
    """承認: one item (its row's button) at once; the ticked ones after a summary is confirmed."""
    _require(permissions.can_view_approvals, request.user)
    if not request.POST.get("only") and request.POST.get("confirmed") != "1":
        return _confirm_approval(request)
    return _move(
        request,
        permissions.can_approve_item,
        services.approve_items,
        "承認",
        lambda plan, year: reverse("actions:approvals") + _year_query(plan, year),
    )


def _confirm_approval(request):
    """The ticked items, counted by section, and one button that approves them all."""
    plan, year = _posted_plan_year(request)
    target = _safe_next(request, reverse("actions:approvals") + _year_query(plan, year))
    try:
        entries = _posted_entries(request, plan, year)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(target)
    if not all(permissions.can_approve_item(request.user, entry.item) for entry in entries):
        raise PermissionDenied("この取組を操作する権限がありません。")
    entries.sort(key=lambda entry: (entry.item.sort_key, entry.item.pk))
    by_section = {}
    for entry in entries:
        name = str(entry.item.section) if entry.item.section else "（担当課未設定）"
        by_section[name] = by_section.get(name, 0) + 1
    context = {
        "plan": plan,
        "year": year,
        "year_label": wareki.fiscal_year_label(year),
        "entries": entries,
        "tokens": [token(entry.item, entry.expected_version) for entry in entries],
        "by_section": sorted(by_section.items()),
        "next": target,
    }
    return render(request, "actions/approve_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def send_back(request, slug, year, code):
    """差戻し of one item with a reason: the section's 課長, the 本部 or an admin."""
    plan = get_object_or_404(Plan.objects.for_town(request.town), slug=slug)
    item = get_object_or_404(
        ActionItem.objects.with_code(plan, code).select_related("plan", "section", "primary_area")
    )
    if not plan.covers_fiscal_year(year):
        raise Http404("計画期間外の年度です。")
    if not permissions.can_send_back_item(request.user, item):
        raise PermissionDenied("この取組を差し戻す権限がありません。")
    status = (
        YearlyStatus.objects.select_related("updated_by", "state_changed_by")
        .filter(item=item, fiscal_year=year)
        .first()
    )
    default_next = reverse("actions:approvals") + _year_query(plan, year)
    target = _safe_next(request, default_next)
    errors, reason = [], ""
    if request.method == "POST":
        reason = (request.POST.get("reason") or "").strip()
        version = _int_or_none(request.POST.get("version"))
        if len(reason) > 2000:
            errors.append("差し戻す理由は2000文字以内で入力してください。")
        else:
            try:
                services.send_back_items(
                    [services.MoveEntry(item, year, version)], user=request.user, reason=reason
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, f"「{item.title}」を差し戻しました。")
                return redirect(target)
    state = workflow.state_of(status)
    context = {
        "item": item,
        "year": year,
        "year_label": wareki.fiscal_year_label(year),
        "status": status,
        "state": state,
        "allowed": workflow.allows(workflow.SEND_BACK, state),
        "version": status.version if status else 0,
        "reason": reason,
        "errors": errors,
        "next": target,
        "locked": services.is_year_locked(plan, year),
    }
    return render(request, "actions/send_back.html", context, status=400 if errors else 200)


# --- the round: open, change the deadline, close -------------------------------------


def _round_action(request, slug, year, act):
    if not permissions.can_manage_round(request.user):
        raise PermissionDenied("評価作業を操作する権限がありません。")
    plan = get_object_or_404(Plan.objects.for_town(request.town), slug=slug)
    if not plan.covers_fiscal_year(year):
        raise Http404("計画期間外の年度です。")
    try:
        message = act(plan)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        if message:
            messages.success(request, message)
    return redirect(reverse("actions:progress") + _year_query(plan, year))


def _posted_deadline(request):
    text = (request.POST.get("deadline") or "").strip()
    if not text:
        raise services.RoundRefused("締切日を入力してください。", code="deadline_required")
    try:
        return wareki.parse_date(text)
    except wareki.WarekiError as error:
        raise services.RoundRefused(
            f"締切日が読めません：{error}（例: 2027-05-31、令和9年5月31日）",
            code="deadline_invalid",
        ) from None


@login_required
@require_POST
def open_round(request, slug, year):
    def act(plan):
        evaluation = services.open_round(
            plan, year, deadline=_posted_deadline(request), user=request.user
        )
        return (
            f"{plan}の{wareki.fiscal_year_label(year)}の評価作業を開始しました"
            f"（締切日 {services.deadline_label(evaluation.deadline)}）。"
        )

    return _round_action(request, slug, year, act)


@login_required
@require_POST
def change_deadline(request, slug, year):
    def act(plan):
        evaluation, changed = services.change_deadline(
            plan,
            year,
            deadline=_posted_deadline(request),
            user=request.user,
            reason=request.POST.get("reason", "")[:2000],
        )
        if not changed:
            return "締切日は変わっていません（同じ日付です）。"
        return f"締切日を{services.deadline_label(evaluation.deadline)}に変更しました。"

    return _round_action(request, slug, year, act)


@login_required
@require_POST
def close_round(request, slug, year):
    def act(plan):
        services.close_round(plan, year, user=request.user)
        return f"{plan}の{wareki.fiscal_year_label(year)}の評価作業を終了しました（督促メールは止まります）。"

    return _round_action(request, slug, year, act)
