"""The demo command: DEBUG only, idempotent, one account per role plus staff of two sections."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from actions import permissions
from actions.management.commands.create_demo_accounts import DEMO_PASSWORD
from actions.models import ActionItem
from tests.reports.test_tallies import assert_tallies_current

ROOT = Path(__file__).resolve().parents[2]


def test_it_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG が無効のため"):
        call_command("create_demo_accounts")
    assert not get_user_model().objects.exists()


def test_it_exits_with_status_1_and_a_japanese_message_from_the_shell(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "create_demo_accounts"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "DEBUG が無効のため、デモ用アカウントは作成しません" in result.stderr


def test_it_creates_the_demo_accounts_once(town_data, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output and "staff-kikaku" in output
    users = {user.username: user for user in get_user_model().objects.all()}
    assert set(users) == {
        "admin",
        "manager",
        "staff-kikaku",
        "staff-demo",
        "head-kikaku",
        "head-demo",
    }
    assert permissions.is_admin(users["admin"]) and users["admin"].is_staff
    assert permissions.is_manager(users["manager"]) and not permissions.is_admin(users["manager"])
    assert users["admin"].check_password(DEMO_PASSWORD)
    kikaku, demo = (permissions.section_ids(users[name]) for name in ("staff-kikaku", "staff-demo"))
    assert kikaku and demo and kikaku != demo
    # A 課長 for each demo section, who approves that section's items only.
    for head, section in (("head-kikaku", kikaku), ("head-demo", demo)):
        assert permissions.is_section_head(users[head])
        assert not permissions.is_manager(users[head])
        assert permissions.section_ids(users[head]) == section
    # Reminders of the demo go to addresses that can never be delivered.
    assert {user.email for user in users.values()} == {f"{name}@demo.invalid" for name in users}
    items = ActionItem.objects.filter(plan__slug="nakai-dx-2.0")
    assert items.filter(section_id__in=kikaku).exists()
    assert items.filter(section_id__in=demo).exists()
    assert not items.filter(section__isnull=True).exists()
    # The figures per section count the items under their new sections.
    assert_tallies_current(items.first().plan)
    # Plan 1.0 (the published review) is left as the town published it.
    assert not ActionItem.objects.filter(plan__slug="nakai-dx-1.0", section__isnull=False).exists()
