"""Deleting in the admin keeps the history: removals are recorded, or refused with a reason."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from actions import services
from actions.models import ActionItem, AuditEntry, Kpi, KpiActual, YearlyStatus
from plans.models import Plan, Section
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", password="root-pass-x9")


@pytest.fixture
def item(root):
    plan = make_plan(slug="p1")
    (item,) = make_items(plan, plan.areas.get(number=1), 1, section=make_section("防災課"))
    return item


@pytest.fixture
def kpi(item, root):
    kpi = Kpi.objects.create(item=item, name="申請件数", unit="件")
    services.record_kpi_actual(kpi, 2024, 10, user=root)
    services.record_kpi_actual(kpi, 2025, 12, user=root)
    return kpi


def _confirm_delete(client, url):
    return client.post(url, {"post": "yes"})


def test_deleting_a_kpi_records_each_removed_actual(client, root, kpi):
    client.force_login(root)
    response = _confirm_delete(client, reverse("admin:actions_kpi_delete", args=[kpi.pk]))
    assert response.status_code == 302
    assert not Kpi.objects.exists() and not KpiActual.objects.exists()
    removed = AuditEntry.objects.filter(action="指標実績の削除").order_by("fiscal_year")
    assert [(e.fiscal_year, e.before, e.after, e.source) for e in removed] == [
        (2024, {"value": "10.000"}, None, "admin"),
        (2025, {"value": "12.000"}, None, "admin"),
    ]
    assert AuditEntry.objects.get(action="指標の削除").before["name"] == "申請件数"
    assert all(e.username == "root" for e in removed)


def test_deleting_kpis_from_the_list_records_them_too(client, root, kpi):
    client.force_login(root)
    response = client.post(
        reverse("admin:actions_kpi_changelist"),
        {"action": "delete_selected", "_selected_action": [kpi.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="指標実績の削除").count() == 2


def test_a_kpi_with_an_actual_in_a_locked_year_is_not_deleted(client, root, kpi):
    services.lock_year(kpi.item.plan, 2025, user=root, reason="確認済み")
    client.force_login(root)
    url = reverse("admin:actions_kpi_delete", args=[kpi.pk])
    page = client.get(url).content.decode()
    assert "令和7年度（2025年度）の評価は確定済み" in page
    before = AuditEntry.objects.count()
    _confirm_delete(client, url)
    assert KpiActual.objects.count() == 2 and AuditEntry.objects.count() == before


def test_deleting_an_item_records_its_statuses_and_actuals(client, root, item, kpi):
    services.record_status(item, 2025, status="achieved", comment="完了", user=root)
    client.force_login(root)
    _confirm_delete(client, reverse("admin:actions_actionitem_delete", args=[item.pk]))
    assert not ActionItem.objects.exists() and not YearlyStatus.objects.exists()
    status_removed = AuditEntry.objects.get(action="達成状況の削除")
    assert status_removed.before["status_label"] == "達成"
    assert status_removed.section_name == "防災課"
    assert AuditEntry.objects.filter(action="指標実績の削除").count() == 2
    assert AuditEntry.objects.filter(action="取組の削除").count() == 1
    history = client.get(reverse("actions:audit_log")).content.decode()
    assert "達成状況の削除" in history and "防災課" in history


def test_an_item_with_a_status_in_a_locked_year_is_not_deleted(client, root, item):
    services.record_status(item, 2025, status="achieved", user=root)
    services.lock_year(item.plan, 2025, user=root, reason="確認済み")
    client.force_login(root)
    url = reverse("admin:actions_actionitem_delete", args=[item.pk])
    assert "確定を解除してください" in client.get(url).content.decode()
    _confirm_delete(client, url)
    assert YearlyStatus.objects.count() == 1


def test_a_plan_with_evaluation_data_is_not_deleted(client, root, item):
    services.record_status(item, 2025, status="achieved", user=root)
    client.force_login(root)
    url = reverse("admin:plans_plan_delete", args=[item.plan.pk])
    assert "評価データ（達成状況 1 件" in client.get(url).content.decode()
    _confirm_delete(client, url)
    assert Plan.objects.filter(pk=item.plan.pk).exists() and YearlyStatus.objects.count() == 1


def test_a_section_named_in_history_is_kept_and_its_rows_unchanged(client, root, item):
    services.record_status(item, 2025, status="achieved", user=root)
    section = item.section
    client.force_login(root)
    url = reverse("admin:plans_section_delete", args=[section.pk])
    assert (
        "変更履歴 1 件がこの担当課を記録しているため削除できません"
        in client.get(url).content.decode()
    )
    _confirm_delete(client, url)
    entry = AuditEntry.objects.get()
    assert Section.objects.filter(pk=section.pk).exists()
    assert (entry.section_id, entry.section_name) == (section.pk, "防災課")


def test_history_keeps_the_names_it_recorded(client, root, item):
    staff = make_user("tanaka", "staff", [item.section])
    services.record_status(item, 2025, status="achieved", user=staff)
    Section.objects.filter(pk=item.section_id).update(name="危機管理課")
    staff.delete()
    client.force_login(root)
    table = client.get(reverse("actions:audit_log")).context["table"]
    (row,) = list(table.as_values())[1:]
    assert row[1] == "tanaka" and row[6] == "防災課"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locked", [False, True], ids=["open", "locked"])
def test_the_delete_pages_answer_as_production_runs_them_outside_a_transaction(client, locked):
    """Production requests run outside a transaction (no ATOMIC_REQUESTS): on PostgreSQL a
    row lock there is an error, so the confirmation pages must only ask, and the
    deletion itself hold the years' rows inside its own transaction."""
    root = get_user_model().objects.create_superuser("root", password="root-pass-x9")
    plan = make_plan(slug="p-outside")
    (item,) = make_items(plan, plan.areas.get(number=1), 1, section=make_section("防災課"))
    kpi = Kpi.objects.create(item=item, name="申請件数", unit="件")
    services.record_kpi_actual(kpi, 2025, 12, user=root)
    services.record_status(item, 2025, status="achieved", comment="完了", user=root)
    if locked:
        services.lock_year(plan, 2025, user=root, reason="確認済み")
    client.force_login(root)
    for url in (
        reverse("admin:actions_kpi_delete", args=[kpi.pk]),
        reverse("admin:actions_actionitem_delete", args=[item.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert ("確定を解除してください" in page.content.decode()) is locked
    response = _confirm_delete(client, reverse("admin:actions_actionitem_delete", args=[item.pk]))
    assert response.status_code in (200, 302)
    assert ActionItem.objects.filter(pk=item.pk).exists() is locked
