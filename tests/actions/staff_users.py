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
