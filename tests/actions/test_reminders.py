"""Reminders (督促): who is mailed what, once a day at most, and the command cron runs."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions import services
from actions.models import EvaluationYear, ReminderLog
from actions.round import reminders
from plans import wareki
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(db, settings):
    settings.REMINDER_DAYS_BEFORE = 3
    settings.SITE_URL = "https://dx.example.lg.jp"
    today = timezone.localdate()
    plan = make_plan(name="テスト計画")
    a, b = make_section("総務課"), make_section("福祉課")
    a_items = make_items(plan, plan.areas.first(), 4, section=a)
    b_items = make_items(plan, plan.areas.first(), 2, section=b)
    users = {
        "staff": _with_email(make_user("sato", "staff", [a]), "佐藤"),
        "staff_b": _with_email(make_user("tanaka", "staff", [b]), "田中"),
        "head": _with_email(make_user("head_a", "section_head", [a]), "総務課長"),
        "head_b": _with_email(make_user("head_b", "section_head", [b]), "福祉課長"),
        "no_mail": make_user("noaddress", "staff", [a]),
        "manager": _with_email(make_user("manager", "manager"), "本部"),
    }
    left = make_user("retired", "staff", [a])
    left.email, left.is_active = "retired@example.jp", False
    left.save()
    # Section A: one 未入力, one 入力済み (未提出), one 差戻し, one 提出 (waiting for its 課長).
    staff = users["staff"]
    for item in a_items[1:]:
        services.record_status(item, YEAR, status="achieved", user=staff)
    services.submit_items([services.MoveEntry(i, YEAR) for i in a_items[2:]], user=staff)
    services.send_back_items(
        [services.MoveEntry(a_items[2], YEAR)], user=users["head"], reason="根拠を追記"
    )
    # Section B: everything approved.
    for item in b_items:
        services.record_status(item, YEAR, status="achieved", user=users["staff_b"])
    services.submit_items([services.MoveEntry(i, YEAR) for i in b_items], user=users["staff_b"])
    services.approve_items([services.MoveEntry(i, YEAR) for i in b_items], user=users["head_b"])
    deadline = today + datetime.timedelta(days=3)
    services.open_round(plan, YEAR, deadline=deadline, user=users["manager"])
    return {"plan": plan, "today": today, "deadline": deadline, **users}


def _with_email(user, name):
    user.email, user.last_name = f"{user.username}@example.jp", name
    user.save()
    return user


def _by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def test_staff_and_section_heads_get_what_they_have_to_do_in_japanese(world):
    outcome = reminders.send_reminders(today=world["today"])
    sent = _by_recipient()
    assert set(sent) == {"sato@example.jp", "head_a@example.jp"}
    staff = sent["sato@example.jp"]
    assert staff.subject == (
        "【中井町DX推進計画】評価作業のお願い：締切まであと3日：未入力 1件、未提出 1件、差戻し 1件"
    )
    assert staff.body.startswith("佐藤 様\n")
    assert f"■ テスト計画（1.0版） {wareki.fiscal_year_label(YEAR)}" in staff.body
    assert f"締切日 {services.deadline_label(world['deadline'])}まであと3日" in staff.body
    assert "担当の取組：未入力 1件、未提出 1件、差戻し 1件" in staff.body
    assert (
        f"https://dx.example.lg.jp/staff/items/?plan={world['plan'].slug}&year={YEAR}" in staff.body
    )
    assert "承認待ち" not in staff.body
    head = sent["head_a@example.jp"]
    assert head.subject.endswith("締切まであと3日：承認待ち 1件")
    assert "承認待ち（課長の承認が必要な取組）：1件" in head.body
    assert "/staff/approvals/?plan=" in head.body
    # Section B is done; the manager has nothing to do; no address: named in the outcome.
    assert [user.username for user in outcome.no_address] == ["noaddress"]
    assert len(outcome.sent) == 2 and not outcome.failed


def test_nothing_is_sent_twice_on_one_day_however_often_it_runs(world):
    reminders.send_reminders(today=world["today"])
    again = reminders.send_reminders(today=world["today"])
    call_command("send_reminders", date=world["today"], stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert {user.username for user in again.already} == {"sato", "head_a"}
    logs = ReminderLog.objects.filter(sent_on=world["today"])
    assert sorted(logs.values_list("user__username", flat=True)) == ["head_a", "sato"]
    record = logs.get(user=world["staff"])
    assert record.email == "sato@example.jp"
    assert record.summary["rounds"][0] | {"deadline": ""} == {
        "plan": world["plan"].slug,
        "fiscal_year": YEAR,
        "deadline": "",
        "not_entered": 1,
        "entered": 1,
        "returned": 1,
        "waiting": 0,
    }
    # The next day brings one more mail each.
    reminders.send_reminders(today=world["today"] + datetime.timedelta(days=1))
    assert len(mail.outbox) == 4


def test_reminders_start_n_days_before_and_go_on_after_the_deadline(world, settings):
    early = world["deadline"] - datetime.timedelta(days=4)
    assert reminders.send_reminders(today=early).sent == []
    settings.REMINDER_DAYS_BEFORE = 5
    assert len(reminders.send_reminders(today=early).sent) == 2
    late = world["deadline"] + datetime.timedelta(days=2)
    reminders.send_reminders(today=late)
    assert "締切を2日過ぎています：未入力 1件" in _by_recipient()["sato@example.jp"].subject
    assert "を2日過ぎています" in _by_recipient()["sato@example.jp"].body


def test_a_closed_round_or_a_locked_year_sends_nothing(world):
    services.close_round(world["plan"], YEAR, user=world["manager"])
    assert reminders.send_reminders(today=world["today"]).sent == []
    services.open_round(world["plan"], YEAR, deadline=world["deadline"], user=world["manager"])
    EvaluationYear.objects.filter(plan=world["plan"], fiscal_year=YEAR).update(is_locked=True)
    assert reminders.send_reminders(today=world["today"]).sent == []
    assert mail.outbox == []


def test_a_failed_send_is_not_recorded_and_is_tried_again(world, settings, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OSError("接続できません")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(CommandError, match="送信できなかったメールがあります"):
        call_command("send_reminders", date=world["today"], stdout=io.StringIO())
    assert not ReminderLog.objects.exists()
    monkeypatch.undo()
    reminders.send_reminders(today=world["today"])
    assert len(mail.outbox) == 2 and ReminderLog.objects.count() == 2


def test_the_command_reports_and_a_dry_run_sends_nothing(world, capsys):
    call_command("send_reminders", "--dry-run", "--date", world["today"].isoformat())
    out = capsys.readouterr().out
    assert "送信予定: sato <sato@example.jp>" in out
    assert "メールアドレス未登録のため送れません: noaddress" in out
    assert "督促メール: 送信予定 2通、本日送信済み 0人、アドレス未登録 1人、失敗 0人" in out
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    call_command("send_reminders", "--date", world["today"].isoformat())
    assert "督促メール: 送信 2通" in capsys.readouterr().out


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="2027-05-31 の形で"):
        call_command("send_reminders", "--date", "令和9年")


def test_mail_settings_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings;"
        "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,"
        " settings.EMAIL_USE_TLS, settings.DEFAULT_FROM_EMAIL, settings.REMINDER_DAYS_BEFORE)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEBUG"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "nakai_dx.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 50,
        "EMAIL_HOST": "smtp.example.lg.jp",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "1",
        "DEFAULT_FROM_EMAIL": "dx@example.lg.jp",
        "REMINDER_DAYS_BEFORE": "7",
    }
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.lg.jp",
        "587",
        "True",
        "dx@example.lg.jp",
        "7",
    ], run.stderr
    debug = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "nakai_dx.settings", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert debug.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend", debug.stderr


def test_sending_reminders_leaves_the_cached_figures_alone(world):
    from plans.versions import current

    before = current()
    reminders.send_reminders(today=world["today"])
    assert len(mail.outbox) == 2 and current() == before
