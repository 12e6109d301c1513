"""Demo accounts for trying the staff workflow (DEBUG only, never in production).

Creates one account per role: staff and a 課長 (section head) for each of two
sections, a manager and an admin; and, because
the town's data names only one section and leaves items unassigned, a clearly
labelled demo section and a split of plan 2.0's unassigned items between them.
Running it again changes nothing but the passwords (reset to the demo one).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.models import ActionItem, StaffProfile
from actions.permissions import ADMIN_GROUP, MANAGER_GROUP, SECTION_HEAD_GROUP, STAFF_GROUP
from plans.models import Plan, Section
from plans.towns import add_town_argument, town_from_option
from plans.versions import data_changed

DEMO_PASSWORD = "nakai-demo-2026"
DEMO_PLAN = "nakai-dx-2.0"
REAL_SECTION = ("企画課", "デジタル推進班")
DEMO_SECTION = ("デモ用担当課", "（デモ専用・実在しません）")

ACCOUNTS = [
    # username, role, section, display name
    ("admin", ADMIN_GROUP, None, "管理者（デモ）"),
    ("manager", MANAGER_GROUP, None, "管理職（デモ）"),
    ("staff-kikaku", STAFF_GROUP, REAL_SECTION, "企画課職員（デモ）"),
    ("staff-demo", STAFF_GROUP, DEMO_SECTION, "デモ用担当課職員（デモ）"),
    ("head-kikaku", SECTION_HEAD_GROUP, REAL_SECTION, "企画課長（デモ）"),
    ("head-demo", SECTION_HEAD_GROUP, DEMO_SECTION, "デモ用担当課長（デモ）"),
]
# Reminder mails of the demo go to addresses that can never be delivered (RFC 2606).
DEMO_EMAIL_DOMAIN = "demo.invalid"


class Command(BaseCommand):
    help = (
        "デモ用アカウント（管理者・管理職・2つの担当課の職員と課長）を作成します（DEBUG 時のみ）。"
    )

    def add_arguments(self, parser):
        add_town_argument(parser)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG が無効のため、デモ用アカウントは作成しません。"
                "開発用の環境で DEBUG=1 を付けて実行してください。"
            )
        town = town_from_option(options.get("town"))
        with transaction.atomic():
            sections = {
                REAL_SECTION: Section.objects.get_or_create(
                    town=town, name=REAL_SECTION[0], defaults={"unit": REAL_SECTION[1]}
                )[0],
                DEMO_SECTION: Section.objects.get_or_create(
                    town=town, name=DEMO_SECTION[0], defaults={"unit": DEMO_SECTION[1]}
                )[0],
            }
            for username, role, section, display_name in ACCOUNTS:
                self._account(username, role, sections.get(section), display_name, town)
            assigned = self._assign_items(sections[REAL_SECTION], sections[DEMO_SECTION], town)

        self.stdout.write("デモ用アカウントを用意しました（パスワードはすべて同じです）。")
        for username, role, section, _name in ACCOUNTS:
            where = f"（{sections[section]}）" if section else ""
            self.stdout.write(f"  {username:<14} {role}{where}")
        self.stdout.write(f"  パスワード: {DEMO_PASSWORD}")
        if assigned:
            self.stdout.write(
                f"計画2.0版の取組 {assigned}件をデモ用に2つの担当課へ割り当てました。"
            )

    def _account(self, username, role, section, display_name, town):
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=username)
        user.last_name = display_name
        user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        user.is_staff = role == ADMIN_GROUP
        user.is_superuser = False
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        profile, _ = StaffProfile.objects.update_or_create(user=user, defaults={"town": town})
        profile.sections.set([section] if section else [])

    def _assign_items(self, first, second, town):
        """Split plan 2.0's items that have no section between the two sections."""
        plan = Plan.objects.for_town(town).filter(slug=DEMO_PLAN).first()
        if plan is None:
            self.stdout.write(
                self.style.WARNING(
                    f"計画 {DEMO_PLAN} がありません。先に loaddata nakai_dx_plan を実行してください。"
                )
            )
            return 0
        items = list(ActionItem.objects.filter(plan=plan, section__isnull=True))
        half = (len(items) + 1) // 2
        ActionItem.objects.filter(pk__in=[i.pk for i in items[:half]]).update(section=first)
        ActionItem.objects.filter(pk__in=[i.pk for i in items[half:]]).update(section=second)
        # QuerySet.update() sends no signal: count the plan's figures per section again.
        data_changed(plan)
        return len(items)
