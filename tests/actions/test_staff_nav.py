"""The navigation for signed-in users, and the user admin with the sections inline."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from actions.models import StaffProfile
from tests.actions.staff_users import make_user
from tests.factories import make_section


def _nav(client, user):
    client.force_login(user)
    html = client.get(reverse("plans:index")).text
    return html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (
            "staff",
            ["担当の取組"],
            ["進捗状況", "承認待ち", "年度の確定・公表", "変更履歴", "取込", "管理画面"],
        ),
        (
            "section_head",
            ["担当の取組", "進捗状況", "承認待ち"],
            ["年度の確定・公表", "変更履歴", "取込", "管理画面"],
        ),
        (
            "manager",
            ["担当の取組", "進捗状況", "承認待ち", "年度の確定・公表", "変更履歴"],
            ["取込", "管理画面"],
        ),
        (
            "admin",
            [
                "担当の取組",
                "進捗状況",
                "承認待ち",
                "年度の確定・公表",
                "変更履歴",
                "取込",
                "管理画面",
            ],
            [],
        ),
    ],
)
def test_the_nav_shows_each_role_its_pages(client, db, role, shown, hidden):
    nav = _nav(client, make_user(role, role))
    for label in shown:
        assert f">{label}</a>" in nav, label
    for label in hidden:
        assert f">{label}</a>" not in nav, label


def test_the_public_sees_the_login_link_only(client, db):
    html = client.get(reverse("plans:index")).text
    assert "職員ログイン" in html and "担当の取組" not in html


def test_admins_edit_a_users_sections_in_the_user_admin(client, db):
    admin = make_user("admin", "admin")
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    section = make_section("税務課")
    staff = make_user("sato", "staff", [section])
    client.force_login(admin)
    response = client.get(reverse("admin:auth_user_change", args=[staff.pk]))
    assert response.status_code == 200
    assert "所属担当課" in response.text
    assert StaffProfile.objects.get(user=staff).sections.get() == section


def test_admins_set_the_reminder_address_when_adding_or_editing_a_user(client, db):
    admin = make_user("admin", "admin")
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "suzuki",
            "email": "suzuki@town.example.lg.jp",
            "usable_password": "true",
            "password1": "a-long-pass-for-tests-2026",
            "password2": "a-long-pass-for-tests-2026",
            "staff_profile-TOTAL_FORMS": "0",
            "staff_profile-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text
    user = get_user_model().objects.get(username="suzuki")
    assert user.email == "suzuki@town.example.lg.jp"
    change = client.get(reverse("admin:auth_user_change", args=[user.pk])).text
    assert 'name="email"' in change and "suzuki@town.example.lg.jp" in change
    listing = client.get(reverse("admin:auth_user_changelist")).text
    assert "suzuki@town.example.lg.jp" in listing
