"""Template tags of the staff workflow, used on the public pages for signed-in users."""

import math

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone

from actions import permissions
from actions.models import AuditEntry, EvaluationYear, YearlyStatus
from actions.tables import change_lines, entry_unit, kpi_units, local_time_text
from plans import wareki

register = template.Library()

HISTORY_LIMIT = 30


@register.inclusion_tag("actions/includes/item_workflow.html", takes_context=True)
def item_workflow(context, item):
    """Edit links per year and the change history of an item, for users who may see them.

    Nothing is shown (and nothing queried) for the public.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can_view_internal(user):
        return {"visible": False}
    plan = item.plan
    statuses = {
        status.fiscal_year: status
        for status in YearlyStatus.objects.filter(item=item).select_related("updated_by")
    }
    evaluations = {ev.fiscal_year: ev for ev in EvaluationYear.objects.filter(plan=plan)}
    can_edit = permissions.can_edit_item(user, item)
    years = []
    for year in plan.fiscal_years:
        evaluation = evaluations.get(year)
        years.append(
            {
                "year": year,
                "label": wareki.fiscal_year_label(year),
                "status": statuses.get(year),
                "locked": bool(evaluation and evaluation.is_locked),
                "published": bool(evaluation and evaluation.is_published),
                "can_edit": can_edit and not (evaluation and evaluation.is_locked),
            }
        )
    entries = list(AuditEntry.objects.filter(item=item)[:HISTORY_LIMIT])
    units = kpi_units(entries)
    history = [
        {
            "entry": entry,
            "at": local_time_text(entry.at),
            # A valid HTML date: seconds at most (the checker rejects microseconds).
            "datetime": timezone.localtime(entry.at).replace(microsecond=0).isoformat(),
            "year_label": wareki.fiscal_year_label(entry.fiscal_year) if entry.fiscal_year else "",
            "lines": change_lines(entry, entry_unit(entry, units)),
        }
        for entry in entries
    ]
    return {
        "visible": True,
        "item": item,
        "years": years,
        "history": history,
        "history_limit": HISTORY_LIMIT,
        "can_edit": can_edit,
    }


@register.simple_tag(takes_context=True)
def workflow_roles(context):
    """The signed-in user's roles, for the navigation."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "member": permissions.has_role(user),
        "manager": permissions.is_manager(user),
        "admin": permissions.is_admin(user),
        "audit": permissions.can_view_audit_log(user),
        "import": permissions.can_import(user),
        "progress": permissions.can_view_progress(user),
        "approvals": permissions.can_view_approvals(user),
    }


# The navigation's HTML per set of roles and script prefix: the same for everyone who holds them.
_NAV_HTML = {}


@register.simple_tag(takes_context=True)
def staff_nav(context):
    """The signed-in user's navigation links, rendered once per set of roles in each process."""
    roles = workflow_roles(context)
    key = (get_script_prefix(), *sorted(name for name, held in roles.items() if held))
    html = _NAV_HTML.get(key)
    if html is None:
        html = _NAV_HTML[key] = render_to_string("includes/staff_nav.html", {"roles": roles})
    return html


@register.filter
def minutes(value):
    """A timedelta in whole minutes, rounded up (the login lock's cool-off)."""
    try:
        return max(1, math.ceil(value.total_seconds() / 60))
    except AttributeError:
        return value
