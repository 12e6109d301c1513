"""/health/ (django-health-check): database reachable and migrations applied, no secrets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from health_check.exceptions import ServiceUnavailable

from nakai_dx.health import MigrationsApplied

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_a_healthy_site_answers_200_with_every_check_ok(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    assert response.json() == {
        "Database(alias='default')": "OK",
        "MigrationsApplied(alias='default')": "OK",
        "TaskWorkerAlive()": "OK",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_status_page_speaks_japanese(client):
    response = client.get("/health/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "すべて正常です。" in html
    assert "<style" not in html and "<script" not in html


@pytest.mark.django_db
def test_the_check_is_not_redirected_to_https_when_monitoring_asks_over_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/?format=json").status_code == 200
    assert client.get("/").status_code == 301


@pytest.mark.django_db
def test_an_unapplied_migration_fails_the_check(client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("m", False)])
    response = client.get("/health/?format=json")
    assert response.status_code == 500
    assert response.json()["MigrationsApplied(alias='default')"] == (
        "Unavailable: 適用されていないマイグレーションが 1 件あります"
        "（manage.py migrate を実行してください）。"
    )
    assert response.json()["Database(alias='default')"] == "OK"


@pytest.mark.django_db
def test_the_migration_check_reads_the_real_migration_table():
    MigrationsApplied().run()  # everything applied by the test database's setup
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'actions' AND name = ("
            "SELECT MAX(name) FROM django_migrations WHERE app = 'actions')"
        )
    with pytest.raises(ServiceUnavailable, match="1 件"):
        MigrationsApplied().run()


def test_an_unreachable_database_fails_without_showing_secrets():
    """The database server is down: 500, and neither password, host nor key in the answer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DEBUG="0",
        SECRET_KEY="health-test-key-" + "s" * 40,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL="postgres://nakai:pa55word-health@127.0.0.1:1/nakai_health",
        DJANGO_SETTINGS_MODULE="nakai_dx.settings",
    )
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/health/?format=json')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.content.decode()}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 500
    body = json.loads(answer["body"])
    assert body["Database(alias='default')"].startswith("Unavailable")
    assert (
        body["MigrationsApplied(alias='default')"] == "Unavailable: データベースに接続できません。"
    )
    for secret in ("pa55word-health", "health-test-key", "127.0.0.1", "nakai_health"):
        assert secret not in answer["body"]
