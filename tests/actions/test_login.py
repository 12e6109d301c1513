"""Signing in and out, and login throttling by user name and address together (django-axes)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.actions.staff_users import make_user
from tests.factories import make_section

PASSWORD = "correct-horse-battery-42"
OFFICE_IP = "10.0.0.1"
OTHER_IP = "10.0.0.2"


@pytest.fixture
def staff(db):
    return make_user("tanaka", "staff", [make_section()], password=PASSWORD)


def _login(client, username, password, ip=OFFICE_IP):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _fail_until_locked(client, username):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, username, "wrong-password")
    return response


def test_the_login_form_is_in_japanese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "職員ログイン" in response.text
    assert "ユーザー名" in response.text and "パスワード" in response.text
    assert 'autocomplete="current-password"' in response.text
    assert 'autocomplete="username"' in response.text


def test_staff_land_on_their_items_after_signing_in(client, staff):
    response = _login(client, "tanaka", PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == reverse("actions:my_items")


def test_a_wrong_password_gets_a_japanese_message(client, staff):
    response = _login(client, "tanaka", "wrong-password")
    assert response.status_code == 200
    assert "ユーザー名" in response.text
    assert "正しい" in response.text


def test_signing_out_ends_the_session(client, staff):
    client.force_login(staff)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert "ログアウトしました" in response.text
    assert client.get(reverse("actions:my_items")).status_code == 302


def test_five_wrong_passwords_lock_that_user_from_that_address_only(client, staff):
    other = make_user("suzuki", "staff", password=PASSWORD)
    response = _fail_until_locked(client, "tanaka")
    assert response.status_code == 429
    assert "ログインを一時的に制限しています" in response.text
    # The right password from the same address is still refused during the cool-off.
    assert _login(client, "tanaka", PASSWORD).status_code == 429
    # The same user from another address, and another user from the same address, get in.
    assert _login(client, "tanaka", PASSWORD, ip=OTHER_IP).status_code == 302
    client.logout()
    assert _login(client, other.username, PASSWORD).status_code == 302


def test_the_lock_wears_off_after_the_cool_off(client, staff):
    _fail_until_locked(client, "tanaka")
    assert _login(client, "tanaka", PASSWORD).status_code == 429
    cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - cool_off - datetime.timedelta(minutes=1)
    )
    assert _login(client, "tanaka", PASSWORD).status_code == 302


def test_the_lock_is_not_permanent(db):
    assert settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# --- hostile and differently-cased user names -------------------------------------------


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_an_over_long_user_name_is_a_form_error_not_a_500(client, staff, length):
    response = _login(client, "a" * length, "wrong-password")
    assert response.status_code == 200
    assert "ユーザー名は150文字以内で入力してください。" in response.text
    assert not AccessAttempt.objects.filter(username__startswith="aaa").exists()


def test_the_admin_sign_in_refuses_an_over_long_user_name_the_same_way(client, db):
    response = client.post(
        reverse("admin:login"), {"username": "a" * 256, "password": "x"}, REMOTE_ADDR=OFFICE_IP
    )
    assert response.status_code == 200
    assert "ユーザー名は150文字以内で入力してください。" in response.text


@pytest.mark.parametrize("typed", ["TANAKA", "Tanaka", "tanaka"])
def test_a_user_name_signs_in_whatever_its_case(client, staff, typed):
    response = _login(client, typed, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_an_account_spelt_exactly_so_wins_over_one_differing_by_case(client, db):
    """Old accounts that differ only by case keep working, each with its own password."""
    upper = make_user("Sato", "staff", password="upper-pass-2207")
    lower = make_user("sato", "staff", password="lower-pass-2207")
    assert _login(client, "sato", "lower-pass-2207").status_code == 302
    assert client.session["_auth_user_id"] == str(lower.pk)
    client.logout()
    assert _login(client, "Sato", "upper-pass-2207").status_code == 302
    assert client.session["_auth_user_id"] == str(upper.pk)


def test_changing_the_case_of_a_name_buys_no_more_tries(client, staff):
    for typed in ["tanaka", "Tanaka", "TANAKA", "tAnaka", "taNaka"][: settings.AXES_FAILURE_LIMIT]:
        response = _login(client, typed, "wrong-password")
    assert response.status_code == 429
    assert _login(client, "TaNaKa", PASSWORD).status_code == 429
    assert _login(client, "tanaka", PASSWORD, ip=OTHER_IP).status_code == 302
