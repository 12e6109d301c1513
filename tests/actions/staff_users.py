"""Users of the staff workflow tests: one per role, staff belonging to sections."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from actions.models import StaffProfile
from actions.permissions import ADMIN_GROUP, MANAGER_GROUP, SECTION_HEAD_GROUP, STAFF_GROUP

ROLE_GROUPS = {
    "staff": STAFF_GROUP,
    "section_head": SECTION_HEAD_GROUP,
    "manager": MANAGER_GROUP,
    "admin": ADMIN_GROUP,
}


def make_user(username, role=None, sections=(), password="pass-for-tests-9281"):
    """A user holding ``role`` (staff, section_head, manager, admin or None) and belonging to ``sections``.

    The groups come from a data migration; a transactional test's flush removes
    them, hence get_or_create.
    """
    user = get_user_model().objects.create_user(username=username, password=password)
    if role:
        user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[role])[0])
    if sections:
        StaffProfile.objects.create(user=user).sections.set(sections)
    return user


def round_world(extra=None):
    """A plan with 3 items of 担当課A and 2 of 担当課B, their staff, 課長, a manager and an admin.

    ``extra``: more users, {username: (role, "mine" or "other")}.
    """
    from tests.factories import make_items, make_plan, make_section

    plan = make_plan()
    sections = {"mine": make_section("担当課A"), "other": make_section("担当課B")}
    items = make_items(plan, plan.areas.first(), 3, section=sections["mine"])
    theirs = make_items(plan, plan.areas.last(), 2, section=sections["other"])
    roles = {
        "staff": ("staff", "mine"),
        "head": ("section_head", "mine"),
        "other_head": ("section_head", "other"),
        **(extra or {}),
    }
    users = {
        name: make_user(name, role, [sections[which]]) for name, (role, which) in roles.items()
    }
    users |= {"manager": make_user("manager", "manager"), "admin": make_user("admin", "admin")}
    return {"plan": plan, "items": items, "theirs": theirs, **users}
