"""Who may do what: every permission question is answered here.

Roles are Django groups: 職員 (staff, who belong to sections), 課長 (section
heads, who approve or send back their sections' items and may also record),
管理職 (managers, DX推進本部) and 管理者 (admins). Superusers count as admins.
"""

from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import Group

from actions import tallies
from actions.models import EvaluationState, EvaluationYear, StaffProfile

STAFF_GROUP = "職員"
SECTION_HEAD_GROUP = "課長"
MANAGER_GROUP = "管理職"
ADMIN_GROUP = "管理者"


def _groups(user):
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = user._role_names = _group_names(user)
    return cached


def _group_names(user):
    """The names of the user's groups (user.groups), in plain SQL.

    Asked on every signed-in request, where building the ORM query costs more
    than running it.
    """
    from django.db import connections, router

    alias = router.db_for_read(Group)
    with connections[alias].cursor() as cursor:
        cursor.execute(_group_names_sql(alias), [user.pk])
        return {name for (name,) in cursor.fetchall()}


@lru_cache
def _group_names_sql(alias):
    from django.contrib.auth import get_user_model
    from django.db import connections

    membership = get_user_model().groups.through._meta
    group = Group._meta
    quote = connections[alias].ops.quote_name
    return (
        f"SELECT g.{quote(group.get_field('name').column)} FROM {quote(group.db_table)} g "
        f"INNER JOIN {quote(membership.db_table)} m "
        f"ON m.{quote(membership.get_field('group').column)} = g.{quote(group.pk.column)} "
        f"WHERE m.{quote(membership.get_field('user').column)} = %s"
    )


def role_key(user):
    """What every permission of this module reads of an account apart from its sections: its
    groups and whether it is a superuser (reports.cache keeps signed-in pages by it)."""
    return ("superuser" if user.is_superuser else "", *sorted(_groups(user)))


def is_admin(user):
    return user.is_authenticated and (user.is_superuser or ADMIN_GROUP in _groups(user))


def is_manager(user):
    return is_admin(user) or MANAGER_GROUP in _groups(user)


def is_section_head(user):
    return SECTION_HEAD_GROUP in _groups(user)


def is_section_staff(user):
    """Holds the 職員 role (a 課長 may record too, but is reminded of approvals only)."""
    return STAFF_GROUP in _groups(user)


def is_staff_member(user):
    return is_manager(user) or bool(_groups(user) & {STAFF_GROUP, SECTION_HEAD_GROUP})


def can_view_internal(user):
    """Internal comments and unpublished years: any signed-in member of the office."""
    return is_staff_member(user)


def section_ids(user):
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_section_ids", None)
    if cached is None:
        profile = StaffProfile.objects.filter(user=user).first()
        cached = set(profile.sections.values_list("id", flat=True)) if profile else set()
        user._section_ids = cached
    return cached


def town_id(user):
    """The town an account belongs to (its StaffProfile's), or None (no profile)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_town_id"):
        user._town_id = (
            StaffProfile.objects.filter(user=user).values_list("town_id", flat=True).first()
        )
    return user._town_id


def belongs_to_town(user, town):
    """Whether an account works for a town: its own town's, or the deployment operator.

    The deployment operator (a superuser) manages every town. On a deployment
    of one town every account is that town's, as before towns were data.
    """
    from plans import towns

    if not user.is_authenticated or user.is_superuser:
        return user.is_authenticated
    if towns.is_single_town():
        return True
    return town is not None and town_id(user) == town.pk


def town_accounts(town):
    """The accounts that work for ``town`` (belongs_to_town), as a queryset.

    Its own accounts (StaffProfile.town) and the deployment operator (superusers);
    on a deployment of one town every account.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from plans import towns

    accounts = get_user_model().objects.all()
    if towns.is_single_town():
        return accounts
    if town is None:
        return accounts.none()
    return accounts.filter(Q(staff_profile__town=town) | Q(is_superuser=True))


def can_manage_towns(user):
    """Add towns and their host names: the deployment operator only."""
    return user.is_authenticated and user.is_superuser


def _owns_section_of(user, item):
    return item.section_id is not None and item.section_id in section_ids(user)


def can_edit_item(user, item):
    """Record the status and KPI actuals of an item: its section's staff or 課長, or an admin."""
    if is_admin(user):
        return True
    return bool(_groups(user) & {STAFF_GROUP, SECTION_HEAD_GROUP}) and _owns_section_of(user, item)


def can_approve_item(user, item):
    """承認: the 課長 of the item's section, or an admin."""
    return is_admin(user) or (is_section_head(user) and _owns_section_of(user, item))


def four_eyes(town=None, town_id=None):
    """Whether an approval needs a second person (the submitter may not approve).

    The town's own setting (Town.four_eyes, 「承認は提出者以外」), or the deployment's
    (APPROVAL_FOUR_EYES) for every town; both off by default. Given only ``town_id``,
    the town's setting is read in one query.
    """
    if getattr(settings, "APPROVAL_FOUR_EYES", False):
        return True
    if town is not None:
        return town.four_eyes
    if town_id is not None:
        from plans.models import Town

        return Town.objects.filter(pk=town_id, four_eyes=True).exists()
    return False


def is_own_submission(user, status):
    """The user submitted this item-year themselves (its last move was their 提出)."""
    return (
        status is not None
        and status.state == EvaluationState.SUBMITTED
        and user.is_authenticated
        and status.state_changed_by_id == user.pk
    )


def can_approve_status(user, item, status, four_eyes_on=None):
    """承認 of one submitted item-year: ``can_approve_item``, and under four-eyes not the
    submitter's own (anyone's, admins' too). ``four_eyes_on``: four_eyes(town), when the
    caller asked it once for many items."""
    if not can_approve_item(user, item):
        return False
    if four_eyes_on is None:
        four_eyes_on = four_eyes(town_id=item.plan.town_id)
    return not (four_eyes_on and is_own_submission(user, status))


def can_send_back_item(user, item):
    """差戻し: the 課長 of the item's section, the DX推進本部 (managers), or an admin."""
    return is_manager(user) or can_approve_item(user, item)


def can_submit_item(user, item):
    """提出: whoever records the item (its section's staff or 課長, or an admin)."""
    return can_edit_item(user, item)


def can_manage_round(user):
    """Open the round of a year with a deadline, change the deadline, close it: the 本部."""
    return is_manager(user)


def can_view_progress(user):
    """「進捗状況」: managers and admins see every section, a 課長 their own sections."""
    return is_manager(user) or is_section_head(user)


def can_view_approvals(user):
    """「承認待ち」: a 課長 approves or sends back; the 本部 may send back."""
    return is_manager(user) or is_section_head(user)


def progress_section_ids(user):
    """Sections whose progress this user sees: None (all) for the 本部, else the 課長's own."""
    if is_manager(user):
        return None
    if is_section_head(user):
        return section_ids(user)
    return set()


def can_lock_year(user):
    return is_manager(user)


def can_unlock_year(user):
    return is_admin(user)


def can_publish_year(user):
    return is_manager(user)


def can_edit_year_report(user):
    """The year's report (年次報告書): the 本部's narrative is written by managers and admins."""
    return is_manager(user)


def can_import(user):
    return is_admin(user)


def can_view_audit_log(user):
    return is_manager(user)


def has_role(user):
    """Signed in and holding one of the three roles."""
    return is_staff_member(user)


def can_view_my_items(user):
    """「担当の取組」: staff see their sections' items, managers and admins all items."""
    return is_staff_member(user)


def sees_all_items(user):
    return is_manager(user)


def editable_section_ids(user):
    """Sections whose items this user records; None means every section (admins)."""
    if is_admin(user):
        return None
    if not _groups(user) & {STAFF_GROUP, SECTION_HEAD_GROUP}:
        return set()
    return section_ids(user)


def visible_fiscal_years(plan, user, evaluated=None, published=None):
    """The fiscal years of a plan whose figures this user may see, newest first.

    The public sees published years only; signed-in members of the office also
    see years that have statuses but are not published yet (shown as 「未公表（下書き）」).
    Only the years the plan is in force for: a revision's earlier years belong to
    the version it revises, whatever rows exist for them.
    ``evaluated`` is tallies.evaluated_years(plan) and ``published``
    EvaluationYear.objects.published_years(plan), for a caller that has them already.
    """
    if published is None:
        published = EvaluationYear.objects.published_years(plan)
    years = set(published)
    if can_view_internal(user):
        years |= tallies.evaluated_years(plan) if evaluated is None else evaluated
    return [
        (year, year in published)
        for year in sorted(years, reverse=True)
        if plan.covers_fiscal_year(year)
    ]
