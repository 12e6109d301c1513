"""Logs: JSON lines on stderr with the request id, and no personal data or evidence notes."""

import io
import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from actions.models import Kpi
from actions.status import views
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

ROOT = Path(__file__).resolve().parents[1]
EVIDENCE = "根拠メモ：担当者の山田花子さんに電話で確認（非公開）"
COMMENT = "備考：予算の都合で一部のみ実施"


@pytest.fixture
def log_lines():
    """What the configured console handler writes, as parsed JSON objects."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    original = handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(original)


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section()
    (item,) = make_items(plan, plan.areas.first(), 1, section=section)
    Kpi.objects.create(item=item, name="申請件数", unit="件")
    staff = make_user("yamada-hanako", "staff", [section])
    return {"item": item, "staff": staff}


def test_the_console_handler_writes_json_to_stderr(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["stream"] == "ext://sys.stderr"
    assert settings.LOGGING["root"]["handlers"] == ["console"]
    assert handler["formatter"] == "json"  # the suite runs with DEBUG off, as production


def test_a_server_error_is_one_json_record_with_the_request_id_and_no_personal_data(
    world, monkeypatch, log_lines
):
    def fail(*args, **kwargs):
        raise RuntimeError("保存中にデータベースとの接続が切れました")

    monkeypatch.setattr(views.services, "record_evaluation", fail)
    client = Client(raise_request_exception=False)
    client.force_login(world["staff"])
    request_id = uuid.uuid4().hex
    item = world["item"]
    url = reverse("actions:edit_status", args=[item.plan.slug, 2026, item.code_key])
    response = client.post(
        url + "?next=/staff/items/%3Fq%3Dsecret-query",
        {"status": "partially_achieved", "comment": COMMENT, "evidence": EVIDENCE, "version": "0"},
        HTTP_X_REQUEST_ID=request_id,
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 500
    assert response["X-Request-ID"] == request_id

    records = log_lines()
    (error,) = [r for r in records if r["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["message"] == f"Internal Server Error: {url}"
    assert error["request_id"] == request_id
    assert error["status_code"] == 500
    assert (error["method"], error["path"]) == ("POST", url)
    assert "RuntimeError: 保存中にデータベースとの接続が切れました" in error["exc_info"]
    assert error["time"].endswith("+00:00")
    text = json.dumps(records, ensure_ascii=False)
    for private in (
        EVIDENCE,
        "山田花子",
        COMMENT,
        "yamada-hanako",
        "192.0.2.44",
        "secret-query",
        client.cookies["sessionid"].value,
    ):
        assert private not in text


def test_a_request_without_a_usable_id_gets_a_new_one(db, client, log_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="forged\nid")
    request_id = response["X-Request-ID"]
    assert uuid.UUID(hex=request_id).hex == request_id
    (record,) = [r for r in log_lines() if r["message"] == "Not Found: /no-such-page/"]
    assert record["request_id"] == request_id
    assert "forged" not in json.dumps(log_lines())


def test_login_lockouts_are_logged_without_user_name_or_address(db, client, settings, log_lines):
    User.objects.create_user("suzuki-ichiro", password="correct-horse-battery")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "suzuki-ichiro", "password": "wrong"},
            REMOTE_ADDR="192.0.2.77",
        )
    records = log_lines()
    locking = [r for r in records if r["message"].startswith("AXES: Locking out")]
    assert len(locking) == 1
    assert locking[0]["message"].startswith("AXES: Locking out client-")
    text = json.dumps(records, ensure_ascii=False)
    assert "suzuki-ichiro" not in text and "192.0.2.77" not in text


def _python(code, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "nakai_dx.settings", "SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


LOG_AN_ERROR = (
    "import django, logging; django.setup()\n"
    "logging.getLogger('django.request').error('接続できません')\n"
)


def test_with_debug_off_errors_reach_stderr_as_json_lines():
    result = _python(LOG_AN_ERROR, {"DEBUG": "0"})
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    record = json.loads(line)
    assert (record["level"], record["logger"], record["message"]) == (
        "ERROR",
        "django.request",
        "接続できません",
    )


def test_people_can_ask_for_plain_text_logs():
    result = _python(LOG_AN_ERROR, {"DEBUG": "0", "LOG_FORMAT": "text"})
    assert "ERROR [None] django.request: 接続できません" in result.stderr


def test_an_unknown_log_format_is_refused_in_japanese():
    result = _python(LOG_AN_ERROR, {"DEBUG": "0", "LOG_FORMAT": "xml"})
    assert "LOG_FORMAT は json か text を指定してください。" in result.stderr
