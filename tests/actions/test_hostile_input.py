"""Hand-made or tampered requests get a Japanese message and change nothing, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from actions import services
from actions.models import AuditEntry, EvaluationYear, Kpi, KpiActual, YearlyStatus
from reports.exporting import content_disposition
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section()
    (item,) = make_items(plan, plan.areas.first(), 1, section=section)
    kpi = Kpi.objects.create(item=item, name="申請件数", unit="件")
    return {
        "plan": plan,
        "item": item,
        "kpi": kpi,
        "staff": make_user("staff", "staff", [section]),
        "manager": make_user("manager", "manager"),
        "admin": _admin_site_user(make_user("admin", "admin")),
    }


def _admin_site_user(user):
    user.is_staff = True  # may open the Django admin
    user.save(update_fields=["is_staff"])
    return user


def _counts():
    return (
        YearlyStatus.objects.count(),
        KpiActual.objects.count(),
        AuditEntry.objects.count(),
        EvaluationYear.objects.count(),
    )


@pytest.mark.parametrize("original", ["sNaN", "NaN", "Infinity", "-Infinity", "abc"])
def test_a_tampered_kpi_original_value_is_refused(client, world, original):
    client.force_login(world["staff"])
    kpi = world["kpi"]
    before = _counts()
    response = client.post(
        reverse("actions:edit_status", args=[world["plan"].slug, YEAR, world["item"].code_key]),
        {
            "status": "achieved",
            "comment": "",
            "evidence": "",
            "version": "0",
            f"kpi_{kpi.pk}": "5",
            f"kpi_{kpi.pk}_original": original,
        },
    )
    assert response.status_code == 200
    assert "画面の情報が壊れています" in response.text
    assert _counts() == before


@pytest.mark.parametrize(
    "query",
    ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=9999-12-31&date_to=9999-12-31"],
)
@pytest.mark.parametrize("name", ["actions:audit_log", "actions:audit_log_csv"])
def test_the_audit_log_refuses_dates_out_of_range_without_an_error_page(client, world, query, name):
    client.force_login(world["manager"])
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 200
    if name == "actions:audit_log":
        assert "2000年1月1日から2099年12月31日までの日付" in response.text


def test_unlocking_a_year_that_was_never_locked_writes_nothing(world):
    before = _counts()
    evaluation, changed = services.unlock_year(
        world["plan"], 2024, reason="確認", user=world["admin"]
    )
    assert changed is False and evaluation.pk is None
    _, changed = services.unpublish_year(world["plan"], 2024, reason="確認", user=world["manager"])
    assert changed is False
    assert _counts() == before


def test_a_year_outside_the_plan_cannot_be_locked(world):
    with pytest.raises(services.ValidationError, match="評価の対象年度"):
        services.lock_year(world["plan"], 1999, user=world["manager"])
    assert not EvaluationYear.objects.exists()


@pytest.mark.parametrize("year", ["0", "1900", "32767"])
def test_the_admin_refuses_a_status_for_a_year_no_plan_covers(client, world, year):
    client.force_login(world["admin"])
    before = _counts()
    response = client.post(
        reverse("admin:actions_yearlystatus_add"),
        {"item": world["item"].pk, "fiscal_year": year, "status": "achieved", "comment": ""},
    )
    assert response.status_code == 200
    assert "評価の対象年度" in response.text
    assert _counts() == before


def test_an_admin_who_is_not_superuser_cannot_grant_superuser(client, world):
    client.force_login(world["admin"])
    target = world["staff"]
    url = reverse("admin:auth_user_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.text
    root = get_user_model().objects.create_superuser("root", password="root-pass-x9")
    response = client.post(
        reverse("admin:auth_user_change", args=[root.pk]),
        {"username": "taken-over", "is_superuser": "", "is_active": "on"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert (root.username, root.is_superuser) == ("root", True)


def test_there_are_no_password_reset_pages(client, db):
    assert client.get("/accounts/password_reset/").status_code == 404


def test_download_names_lose_characters_windows_refuses():
    header = content_disposition('計画/区分<b>"x"</b>.xlsx')
    assert "/" not in header.split("filename*=")[1]
    assert "<" not in header and '"x"' not in header
    assert header.startswith('attachment; filename="__b_x_b_.xlsx"')


def test_the_admin_refuses_a_kpi_actual_for_a_year_no_plan_covers(client, world):
    client.force_login(world["admin"])
    before = _counts()
    response = client.post(
        reverse("admin:actions_kpiactual_add"),
        {"kpi": world["kpi"].pk, "fiscal_year": "0", "value": "3"},
    )
    assert response.status_code == 200
    assert "評価の対象年度" in response.text
    assert _counts() == before
