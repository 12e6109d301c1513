"""Staff accounts from a workbook: roles, sections, one-time passwords, and the first sign-in."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import AuditEntry, StaffProfile
from actions.services import AccountEntry, save_staff_accounts
from actions.services.accounts import initial_password
from tests.actions.staff_users import make_user
from tests.factories import make_section

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def editor(db):
    return make_user("kanri", "admin")


def test_a_new_account_gets_its_role_sections_and_a_one_time_password(editor):
    section = make_section("窓口課")
    [issued] = save_staff_accounts(
        [AccountEntry("tanaka.h", "田中", "花子", "t@example.jp", ("職員",), (section,))],
        user=editor,
    )
    user = User.objects.get(username="tanaka.h")
    assert issued.username == "tanaka.h" and issued.name == "田中 花子"
    assert user.check_password(issued.password)
    assert [g.name for g in user.groups.all()] == ["職員"]
    assert list(user.staff_profile.sections.all()) == [section]
    assert user.staff_profile.must_change_password
    assert not user.is_staff and not user.is_superuser
    [audit] = AuditEntry.objects.filter(action="アカウントの追加")
    assert audit.user == editor and audit.object_repr == "tanaka.h"
    assert issued.password not in str(audit.after)


def test_initial_passwords_differ_and_read_clearly():
    passwords = {initial_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 14 and not set(password) & set("0O1lI")


def test_an_existing_account_keeps_its_password_and_unnamed_fields(editor):
    user = make_user("suzuki", "staff", [make_section("甲課")], password="own-password-2026")
    user.email = "s@example.jp"
    user.save()
    issued = save_staff_accounts([AccountEntry("suzuki", roles=("課長",))], user=editor)
    assert issued == []
    user.refresh_from_db()
    assert user.check_password("own-password-2026")
    assert user.email == "s@example.jp"
    assert [g.name for g in user.groups.all()] == ["課長"]
    assert [str(s) for s in user.staff_profile.sections.all()] == ["甲課"]
    assert not user.staff_profile.must_change_password
    [audit] = AuditEntry.objects.filter(action="アカウントの更新")
    assert audit.before["役割"] == ["職員"] and audit.after["役割"] == ["課長"]


def test_an_unchanged_account_writes_no_history(editor):
    make_user("suzuki", "staff")
    save_staff_accounts([AccountEntry("suzuki", roles=("職員",))], user=editor)
    assert not AuditEntry.objects.exists()


def test_a_superuser_is_never_changed_and_nobody_becomes_one(editor):
    User.objects.create_superuser("root", password="root-2026")
    with pytest.raises(ValidationError, match="スーパーユーザー"):
        save_staff_accounts([AccountEntry("root", roles=("職員",))], user=editor)
    with pytest.raises(ValidationError, match="役割"):
        save_staff_accounts([AccountEntry("new", roles=("superuser",))], user=editor)
    assert User.objects.get(username="root").is_superuser
    assert not User.objects.filter(username="new").exists()
    assert not AuditEntry.objects.exists()


def test_an_admin_cannot_remove_their_own_admin_role_by_sheet(editor):
    with pytest.raises(ValidationError, match="自分のアカウント"):
        save_staff_accounts([AccountEntry("kanri", roles=("職員",))], user=editor)
    assert [g.name for g in editor.groups.all()] == ["管理者"]


# --- the first sign-in ---------------------------------------------------------------


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def new_account(editor):
    [issued] = save_staff_accounts(
        [AccountEntry("tanaka.h", "田中", "花子", "", ("職員",), (make_section("窓口課"),))],
        user=editor,
    )
    return issued


def test_the_first_sign_in_leads_every_page_to_the_password_change(client, new_account):
    sign_in(client, "tanaka.h", new_account.password)
    for path in (reverse("actions:my_items"), "/", reverse("admin:index"), "/imports/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "初回ログインです" in page.content.decode()


def test_setting_a_new_password_ends_it_and_the_initial_one_stops_working(client, new_account):
    sign_in(client, "tanaka.h", new_account.password)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": new_account.password,
            "new_password1": "tanaka-chooses-this-2026",
            "new_password2": "tanaka-chooses-this-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("actions:my_items")).status_code == 200
    assert not StaffProfile.objects.get(user__username="tanaka.h").must_change_password
    client.logout()
    sign_in(client, "tanaka.h", new_account.password)
    assert "_auth_user_id" not in client.session
    sign_in(client, "tanaka.h", "tanaka-chooses-this-2026")
    assert client.get(reverse("actions:my_items")).status_code == 200


def test_leaving_without_changing_keeps_the_requirement(client, new_account):
    sign_in(client, "tanaka.h", new_account.password)
    client.post(reverse("logout"))
    sign_in(client, "tanaka.h", new_account.password)
    assert client.get(reverse("actions:my_items"))["Location"] == reverse("password_change")


def test_other_accounts_sign_in_as_before(client):
    make_user("suzuki", "staff", password="own-password-2026")
    sign_in(client, "suzuki", "own-password-2026")
    assert client.get(reverse("actions:my_items")).status_code == 200
