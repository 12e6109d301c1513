"""Behind the reverse proxy: which headers are believed, from whom, and who axes locks out.

TRUSTED_PROXIES names the proxies (nginx). The tests send requests as the
proxy (REMOTE_ADDR in the list) and as a client talking to the app directly.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User

from nakai_dx.proxy import TrustedProxies

ROOT = Path(__file__).resolve().parents[1]
PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("forwarded_for", "client"),
    [
        ("192.0.2.5", "192.0.2.5"),
        ("198.51.100.1, 192.0.2.5", "192.0.2.5"),  # the left entry is the client's own word
        ("192.0.2.5, 10.0.0.3", "192.0.2.5"),  # a second trusted proxy is skipped
        (" 2001:db8::5 ", "2001:db8::5"),
        ("10.0.0.3", None),  # nothing but proxies
        ("not-an-address", None),
        ("192.0.2.5, <script>", None),
        ("", None),
    ],
)
def test_the_client_is_the_nearest_address_that_is_not_a_proxy(forwarded_for, client):
    assert TrustedProxies([PROXY, "10.0.0.3/32"]).client_address(forwarded_for) == client


def test_networks_can_be_trusted_whole():
    proxies = TrustedProxies(["10.1.0.0/16", "::1"])
    assert proxies.client_address("192.0.2.9, 10.1.200.3") == "192.0.2.9"


@pytest.fixture
def account(db):
    return User.objects.create_user("proxy-staff", password="correct-horse-battery")


def _fail_login(client, **headers):
    return client.post(
        "/accounts/login/", {"username": "proxy-staff", "password": "wrong"}, **headers
    )


def _login(client, **headers):
    return client.post(
        "/accounts/login/",
        {"username": "proxy-staff", "password": "correct-horse-battery"},
        **headers,
    )


def test_a_client_cannot_dodge_the_lockout_with_x_forwarded_for(client, account, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail_login(client, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = _login(client, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.50"}


def test_behind_the_proxy_the_real_client_is_locked_and_no_one_else(client, account, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail_login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.5")
    assert _login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.5").status_code == 429
    # A colleague behind the same proxy: not locked.
    response = _login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.6")
    assert response.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.5"}


def test_without_trusted_proxies_the_header_is_never_believed(client, account, settings):
    settings.TRUSTED_PROXIES = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail_login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


@pytest.mark.django_db
def test_https_is_believed_from_the_proxy_only(client, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    assert (
        client.get("/plans/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https").status_code == 200
    )
    assert client.get("/plans/", REMOTE_ADDR=PROXY).status_code == 301
    spoofed = client.get("/plans/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301
    assert spoofed["Location"] == "https://testserver/plans/"


def _settings(env, names):
    """Values of settings under ``env``, read from a fresh interpreter."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "DEBUG", "TRUSTED_", "LOG_", "DJANGO_"))
    }
    script = (
        "import json, nakai_dx.settings as s\n"
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        return result.stderr
    return json.loads(result.stdout)


SECURE = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
]


def test_production_defaults_are_https_only():
    assert _settings({"DEBUG": "0"}, SECURE) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_the_proxy_header_is_used_once_a_proxy_is_named():
    values = _settings(
        {"DEBUG": "0", "TRUSTED_PROXIES": "127.0.0.1, ::1"}, [*SECURE, "TRUSTED_PROXIES"]
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["TRUSTED_PROXIES"] == ["127.0.0.1", "::1"]


def test_production_settings_over_plain_http_for_a_local_trial():
    env = {
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
    }
    assert _settings(env, SECURE) == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_a_wrong_proxy_address_is_refused_in_japanese():
    error = _settings({"DEBUG": "0", "TRUSTED_PROXIES": "127.0.0.1,nginx.local"}, SECURE)
    assert (
        "TRUSTED_PROXIES の「nginx.local」は IP アドレスでもネットワークでもありません。" in error
    )


def _deploy_check(env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "DEBUG", "TRUSTED_", "DJANGO_", "ALLOWED_HOSTS"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, "DEBUG": "0", "SECRET_KEY": "k9!" * 20, "ALLOWED_HOSTS": "x.jp", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_warns_when_https_redirects_cannot_end():
    result = _deploy_check({})
    assert result.returncode == 1
    assert "nakai_dx.W001" in result.stderr
    assert "TRUSTED_PROXIES=127.0.0.1" in result.stderr
    assert _deploy_check({"SECURE_SSL_REDIRECT": "0"}).stderr.count("nakai_dx.W001") == 0


def test_gunicorn_settings_check_out_and_keep_to_loopback():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "TRUSTED_"))}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "--print-config",
            "-c",
            "deploy/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env={**env, "DEBUG": "0", "SECRET_KEY": "k" * 50, "TRUSTED_PROXIES": "10.0.0.0/24"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    config = dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition("=") for line in result.stdout.splitlines())
    )
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["timeout"] == "60"
    assert config["graceful_timeout"] == "30"
    assert config["forwarded_allow_ips"] == "[]"  # Django decides, from TRUSTED_PROXIES
    assert config["wsgi_app"] == "nakai_dx.wsgi:application"
