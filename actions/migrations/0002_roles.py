"""The three roles as Django groups: 職員 (staff), 管理職 (managers), 管理者 (admins).

Object-level rules (which section's items a staff member may edit, who may
lock or publish) live in actions/permissions.py; these model permissions are
what the Django admin checks.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = "職員"
MANAGER = "管理職"
ADMIN = "管理者"

STAFF_PERMISSIONS = [
    ("actions", "view_actionitem"),
    ("actions", "view_yearlystatus"),
    ("actions", "add_yearlystatus"),
    ("actions", "change_yearlystatus"),
    ("actions", "view_kpi"),
    ("actions", "view_kpiactual"),
    ("actions", "add_kpiactual"),
    ("actions", "change_kpiactual"),
    ("actions", "delete_kpiactual"),
]
MANAGER_PERMISSIONS = [
    ("actions", "view_actionitem"),
    ("actions", "view_yearlystatus"),
    ("actions", "view_kpi"),
    ("actions", "view_kpiactual"),
    ("actions", "view_evaluationyear"),
    ("actions", "change_evaluationyear"),
    ("actions", "view_auditentry"),
    ("actions", "view_staffprofile"),
]
ADMIN_APPS = ["plans", "actions", "reports"]
ADMIN_EXTRA = [
    ("auth", "view_user"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "view_group"),
]


def _ensure_permissions(apps):
    # Permissions are normally created after all migrations (post_migrate);
    # create them now so the groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(pairs):
        found = []
        for app_label, codename in pairs:
            found.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        return found

    staff, _ = Group.objects.get_or_create(name=STAFF)
    staff.permissions.add(*perms(STAFF_PERMISSIONS))
    manager, _ = Group.objects.get_or_create(name=MANAGER)
    manager.permissions.add(*perms(MANAGER_PERMISSIONS))
    admin, _ = Group.objects.get_or_create(name=ADMIN)
    admin.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=ADMIN_APPS),
        *perms(ADMIN_EXTRA),
    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[STAFF, MANAGER, ADMIN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_initial"),
        ("plans", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
