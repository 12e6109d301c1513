"""Reminder mails after the second week: absolute links (SITE_URL, else the request's host),
the 差戻し sentence only for staff, a dry run that names who was mailed today, and a mail
server that cannot be reached explained in Japanese."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from actions.models import ReminderLog
from actions.round import reminders
from tests.actions.test_reminders import world  # noqa: F401  (the fixture)

LINK = re.compile(r"\S*/staff/\S*")


def _mails(today):
    reminders.send_reminders(today=today)
    return {message.to[0]: message for message in mail.outbox}


def test_every_link_in_every_mail_is_absolute(world):  # noqa: F811
    sent = _mails(world["today"])
    links = [link for message in sent.values() for link in LINK.findall(message.body)]
    assert len(links) == 2  # the staff's 担当の取組 and the 課長's 承認待ち
    assert all(link.startswith("https://dx.example.lg.jp/staff/") for link in links), links


def test_a_mail_sent_from_a_web_request_links_to_that_host(world, settings):  # noqa: F811
    settings.SITE_URL = ""
    request = RequestFactory().get("/", secure=True, HTTP_HOST="dx.town.example.jp")
    settings.ALLOWED_HOSTS = ["dx.town.example.jp"]
    reminders.send_reminders(today=world["today"], request=request)
    links = [link for message in mail.outbox for link in LINK.findall(message.body)]
    assert links and all(link.startswith("https://dx.town.example.jp/staff/") for link in links)


def test_site_url_wins_over_the_request_host(world, settings):  # noqa: F811
    request = RequestFactory().get("/", HTTP_HOST="internal:8000")
    settings.ALLOWED_HOSTS = ["internal"]
    assert reminders.site_base(request) == "https://dx.example.lg.jp"


def test_only_the_staff_mail_speaks_of_sending_back(world):  # noqa: F811
    sent = _mails(world["today"])
    assert "差戻しの理由は「担当の取組」" in sent["sato@example.jp"].body
    assert "差戻し" not in sent["head_a@example.jp"].body


def test_a_dry_run_after_the_days_send_lists_who_was_mailed_already(world):  # noqa: F811
    call_command("send_reminders", "--date", world["today"].isoformat(), stdout=io.StringIO())
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", "--date", world["today"].isoformat(), stdout=out)
    text = out.getvalue()
    assert "本日送信済みのため送りません: head_a" in text
    assert "本日送信済みのため送りません: sato" in text
    assert "送信予定 0通、本日送信済み 2人" in text
    assert len(mail.outbox) == 2


def test_an_unreachable_mail_server_says_what_to_set_and_sends_nothing(world, settings):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 8149, 5
    with pytest.raises(CommandError) as refused:
        call_command("send_reminders", "--date", world["today"].isoformat(), stdout=io.StringIO())
    message = str(refused.value)
    assert "メールサーバー（SMTP、127.0.0.1:8149）に接続できませんでした" in message
    assert "EMAIL_HOST と EMAIL_PORT" in message and "--dry-run" in message
    assert not ReminderLog.objects.exists()


def test_the_command_refuses_to_mail_without_site_url_in_production(world, settings):  # noqa: F811
    settings.SITE_URL, settings.DEBUG = "", False
    with pytest.raises(CommandError, match="SITE_URL が設定されていません"):
        call_command("send_reminders", "--date", world["today"].isoformat(), stdout=io.StringIO())
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    # A dry run only lists people and subjects: it runs.
    call_command(
        "send_reminders", "--dry-run", "--date", world["today"].isoformat(), stdout=io.StringIO()
    )
