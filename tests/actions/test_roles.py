"""The three roles are Django groups created by a migration, with their model permissions."""

from django.contrib.auth.models import Group

from actions import permissions


def _codenames(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_the_migration_creates_the_three_groups(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {"職員", "管理職", "管理者"} <= names


def test_staff_may_record_statuses_and_actuals_but_not_master_data(db):
    codenames = _codenames(permissions.STAFF_GROUP)
    assert {"change_yearlystatus", "add_kpiactual"} <= codenames
    assert "change_actionitem" not in codenames and "change_evaluationyear" not in codenames


def test_managers_may_lock_but_not_change_master_data_or_statuses(db):
    codenames = _codenames(permissions.MANAGER_GROUP)
    assert "change_evaluationyear" in codenames
    assert not {"change_actionitem", "change_plan", "change_yearlystatus"} & codenames


def test_admins_may_change_everything_of_the_plan(db):
    codenames = _codenames(permissions.ADMIN_GROUP)
    assert {"change_actionitem", "change_plan", "change_yearlystatus", "change_user"} <= codenames
