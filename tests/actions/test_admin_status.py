"""Editing a status in the Django admin cannot overwrite somebody else's newer save."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from actions import services
from actions.models import AuditEntry, YearlyStatus
from tests.factories import make_items, make_plan


@pytest.fixture
def status(db):
    plan = make_plan()
    (item,) = make_items(plan, plan.areas.first(), 1)
    saved, _ = services.record_status(item, 2026, status="not_achieved", comment="準備中")
    return saved


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", password="x-9281"))
    return client


def _post(client, status, started_version, new_status="achieved"):
    return client.post(
        reverse("admin:actions_yearlystatus_change", args=[status.pk]),
        {
            "status": new_status,
            "comment": "admin",
            "evidence": "",
            "started_version": started_version,
        },
    )


def test_an_admin_edit_from_the_current_version_is_saved_and_audited(admin_client, status):
    response = _post(admin_client, status, started_version=1)
    assert response.status_code == 302
    status.refresh_from_db()
    assert (status.status, status.version) == ("achieved", 2)
    assert AuditEntry.objects.filter(source=AuditEntry.Source.ADMIN).count() == 1


def test_an_admin_edit_started_before_another_save_is_refused(admin_client, status):
    services.record_status(status.item, 2026, status="undeterminable", comment="後から保存")
    response = _post(admin_client, status, started_version=1)
    assert response.status_code == 200
    assert "編集を始めた後に" in response.text
    current = YearlyStatus.objects.get(pk=status.pk)
    assert (current.status, current.comment, current.version) == ("undeterminable", "後から保存", 2)
    assert not AuditEntry.objects.filter(source=AuditEntry.Source.ADMIN).exists()


def test_the_change_form_carries_the_version_it_shows(admin_client, status):
    page = admin_client.get(reverse("admin:actions_yearlystatus_change", args=[status.pk]))
    assert 'name="started_version" value="1"' in page.text
