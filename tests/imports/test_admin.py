"""The Django admin writes statuses and KPI actuals through actions.services."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from actions import services
from actions.models import AuditEntry, Status, YearlyStatus
from tests.factories import make_items, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "x")


@pytest.fixture
def item(db):
    plan = make_plan(slug="p1")
    return make_items(plan, plan.areas.get(number=1), 1)[0]


def test_saving_a_status_in_the_admin_is_audited_as_admin(client, superuser, item):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:actions_yearlystatus_add"),
        {
            "item": item.pk,
            "fiscal_year": 2025,
            "status": Status.ACHIEVED,
            "comment": "",
            "evidence": "x",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    status = YearlyStatus.objects.get()
    assert (status.status, status.updated_by, status.version) == (Status.ACHIEVED, superuser, 1)
    audit = AuditEntry.objects.get()
    assert (audit.source, audit.get_source_display(), audit.user) == (
        "admin",
        "管理画面",
        superuser,
    )


def test_the_admin_refuses_a_status_in_a_locked_year(client, superuser, item):
    services.lock_year(item.plan, 2025, reason="試験のため未承認のまま確定", user=superuser)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:actions_yearlystatus_add"),
        {
            "item": item.pk,
            "fiscal_year": 2025,
            "status": Status.ACHIEVED,
            "comment": "",
            "evidence": "",
        },
    )
    assert response.status_code == 200 and "確定済み" in response.content.decode()
    assert YearlyStatus.objects.count() == 0


def test_a_status_of_a_locked_year_is_read_only_in_the_admin(client, superuser, item):
    services.record_status(item, 2025, status=Status.ACHIEVED, user=superuser)
    services.lock_year(item.plan, 2025, reason="試験のため未承認のまま確定", user=superuser)
    client.force_login(superuser)
    status = YearlyStatus.objects.get()
    page = client.get(
        reverse("admin:actions_yearlystatus_change", args=[status.pk])
    ).content.decode()
    assert 'name="status"' not in page


@pytest.mark.parametrize(
    "name",
    [
        "plans_plan",
        "plans_priorityarea",
        "plans_section",
        "actions_actionitem",
        "actions_yearlystatus",
        "actions_kpi",
        "actions_kpiactual",
        "actions_auditentry",
        "actions_evaluationyear",
    ],
)
def test_every_model_has_an_admin_list(client, superuser, item, name):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_admin_exports_statuses_in_the_workbook_format(client, superuser, item):
    services.record_status(item, 2025, status=Status.ACHIEVED, user=superuser)
    client.force_login(superuser)
    response = client.get(reverse("admin:actions_yearlystatus_export"))
    assert response.status_code == 200
