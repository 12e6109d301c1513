"""The 課長 (section head) role: approves or sends back the items of their sections."""

from django.db import migrations

SECTION_HEAD = "課長"
PERMISSIONS = [
    ("actions", "view_actionitem"),
    ("actions", "view_yearlystatus"),
    ("actions", "add_yearlystatus"),
    ("actions", "change_yearlystatus"),
    ("actions", "view_kpi"),
    ("actions", "view_kpiactual"),
    ("actions", "add_kpiactual"),
    ("actions", "change_kpiactual"),
    ("actions", "delete_kpiactual"),
    ("actions", "view_evaluationyear"),
]


def create_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SECTION_HEAD)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SECTION_HEAD).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_drop_item_number"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
