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


def _run_check(env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
    )


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _run_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_app_starts_without_a_secret_key_in_debug_mode():
    assert _run_check({"DEBUG": "1"}).returncode == 0


def test_the_site_speaks_japanese_in_tokyo_time(settings):
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True
