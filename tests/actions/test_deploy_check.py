"""`manage.py check --deploy` is clean with DEBUG off, a proper SECRET_KEY, the proxy and the
site's address named, and fails without SITE_URL (the reminder mails' links need it)."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check_deploy(**overrides):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            (
                "DJANGO_",
                "SECURE_",
                "DEBUG",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "TRUSTED_PROXIES",
                "SITE_URL",
            )
        )
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="example.jp",
        TRUSTED_PROXIES="127.0.0.1",
        SITE_URL="https://example.jp",
        DJANGO_SETTINGS_MODULE="nakai_dx.settings",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_debug_off():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("site_url", "says"), [(None, "設定されていません"), ("dx.example.jp", "正しくありません")]
)
def test_the_deploy_check_fails_without_a_proper_site_url(site_url, says):
    result = _check_deploy(SITE_URL=site_url)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "nakai_dx.E001" in output and f"SITE_URL が{says}" in output
    assert "SITE_URL=https://dx.example.lg.jp" in output


def test_an_error_fails_the_check_at_its_default_level():
    # ``check --deploy`` without --fail-level (as the README writes it) stops on the error too.
    alphabet = string.ascii_letters + string.digits
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DEBUG"}}
    env.update(
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        DJANGO_SETTINGS_MODULE="nakai_dx.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "nakai_dx.E001" in result.stderr
