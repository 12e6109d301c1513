import os
import subprocess
import sys
from pathlib import Path

import pytest

from nakai_dx.settings import BASE_DIR, database_from_url

ROOT = Path(__file__).resolve().parents[1]


def test_a_relative_sqlite_url_lives_in_the_project():
    assert database_from_url("sqlite:///db.sqlite3")["NAME"] == BASE_DIR / "db.sqlite3"


def test_an_absolute_sqlite_url_is_taken_as_it_is():
    assert database_from_url("sqlite:////var/lib/nakai/db.sqlite3")["NAME"] == Path(
        "/var/lib/nakai/db.sqlite3"
    )


def test_a_postgres_url_gives_every_connection_part():
    config = database_from_url("postgres://dx:p%40ss@db.example:5433/nakai")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("nakai", "dx", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.example", "5433")


def test_an_unknown_database_scheme_is_refused_in_japanese():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="対応していません"):
        database_from_url("mysql://root@localhost/nakai")


def _run(args, env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_the_web_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _run(["-c", "import nakai_dx.wsgi"], {"DEBUG": "0"})
    assert result.returncode != 0
    assert "DEBUG が無効のときは環境変数 SECRET_KEY が必要です。" in result.stderr


def test_the_web_app_starts_with_a_secret_key_when_debug_is_off():
    result = _run(["-c", "import nakai_dx.wsgi"], {"DEBUG": "0", "SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr


def test_schema_commands_run_without_a_secret_key():
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"], {"DEBUG": "0"})
    assert result.returncode == 0, result.stderr


def test_the_app_starts_without_a_secret_key_in_debug_mode():
    assert _run(["manage.py", "check"], {"DEBUG": "1"}).returncode == 0


def test_the_site_speaks_japanese_in_tokyo_time(settings):
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True
