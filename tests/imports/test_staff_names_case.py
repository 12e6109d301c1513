"""User names on the 職員 sheet are one account whatever their case (dup-user = DUP-USER)."""

from django.contrib.auth import get_user_model

from actions.permissions import STAFF_GROUP
from tests.imports.conftest import messages_of, run_import, xlsx_bytes

HEADER = ["ユーザー名", "氏名", "メールアドレス", "担当課", "役割"]


def _staff_sheet(*rows):
    return xlsx_bytes({"職員": [HEADER, *rows]})


def test_two_rows_differing_only_by_case_are_one_account_named_twice(admin_user):
    job = run_import(
        _staff_sheet(
            ["dup-user", "田中 花子", "", "企画課", STAFF_GROUP],
            ["DUP-USER", "田中 花子", "", "企画課", STAFF_GROUP],
        ),
        user=admin_user,
    )
    assert not job.ok
    assert any("同じユーザー名の行が 2 行目にもあります" in m for m in messages_of(job))
    assert not get_user_model().objects.filter(username__iexact="dup-user").exists()


def test_a_name_in_another_case_updates_the_existing_account(admin_user):
    User = get_user_model()
    existing = User.objects.create_user("Dup-User", password="own-password-3391")
    job = run_import(
        _staff_sheet(["DUP-USER", "鈴木 一郎", "", "企画課", STAFF_GROUP]), user=admin_user
    )
    assert job.ok, messages_of(job)
    assert job.initial_passwords == []
    assert list(User.objects.filter(username__iexact="dup-user")) == [existing]
    existing.refresh_from_db()
    assert (existing.username, existing.last_name) == ("Dup-User", "鈴木")
    assert existing.check_password("own-password-3391")


def test_the_account_made_signs_in_in_any_case(admin_user, client):
    job = run_import(
        _staff_sheet(["Yamada.T", "山田 太郎", "", "企画課", STAFF_GROUP]), user=admin_user
    )
    (initial,) = job.initial_passwords
    response = client.post(
        "/accounts/login/", {"username": "yamada.t", "password": initial.password}
    )
    assert response.status_code == 302
