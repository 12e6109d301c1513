"""What a signed-in reader's page costs once its content is cached, and that it stays right.

A draft page is read by staff many times between two writes: after the first
read it costs the session, the user, the user's roles and the data versions,
whatever the plan and its data.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from actions import services
from actions.models import ActionItem, Status
from tests.actions.staff_users import make_user
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

DASHBOARD = "/?plan=big-plan&year=2025"
AREA = "/plans/big-plan/areas/1/?year=2025"


@pytest.fixture
def manager(db):
    return make_user("manager", "manager")


@pytest.mark.parametrize("item_count", [10, 1000])
@pytest.mark.parametrize("url", [DASHBOARD, AREA])
def test_a_cached_page_costs_a_signed_in_reader_five_queries(
    client, manager, item_count, url, django_assert_num_queries
):
    build_plan(item_count)
    client.force_login(manager)
    first = client.get(url)
    assert first.status_code == 200
    # The session, the request's town, the user, the user's roles and the data versions.
    with django_assert_num_queries(5):
        again = client.get(url)
    assert again.status_code == 200
    assert "ログアウト（manager）" in again.content.decode()


def test_the_cached_page_shows_each_role_its_own_navigation(client, db):
    build_plan(10)
    staff, manager = make_user("staff", "staff"), make_user("manager", "manager")
    for user in (manager, staff, manager):
        client.force_login(user)
        html = client.get(DASHBOARD).content.decode()
        assert f"ログアウト（{user.username}）" in html
        assert ("年度の確定・公表</a>" in html) == (user == manager)


def test_a_role_taken_away_shows_at_once(client, manager):
    build_plan(10)
    client.force_login(manager)
    assert "年度の確定・公表</a>" in client.get(DASHBOARD).content.decode()
    manager.groups.clear()
    html = client.get(DASHBOARD).content.decode()
    assert "年度の確定・公表</a>" not in html


def test_a_status_recorded_shows_on_the_next_signed_in_read(client, manager):
    build_plan(10)
    item = ActionItem.objects.filter(plan__slug="big-plan", primary_area__number=1).first()
    services.record_status(item, 2026, status=Status.ACHIEVED, comment="最初の記録", user=manager)
    client.force_login(manager)
    draft = "/plans/big-plan/areas/1/?year=2026"
    assert "最初の記録" in client.get(draft).content.decode()
    services.record_status(
        item, 2026, status=Status.NOT_ACHIEVED, comment="記録後の表示", user=manager
    )
    html = client.get(draft).content.decode()
    assert "記録後の表示" in html
    assert "最初の記録" not in html


def test_a_signed_out_or_expired_session_reads_as_the_public(client, manager):
    build_plan(10)
    client.force_login(manager)
    assert "ログアウト（manager）" in client.get(DASHBOARD).content.decode()
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert "職員ログイン" in client.get("/").content.decode()
    client.force_login(manager)
    client.post("/accounts/logout/")
    assert "職員ログイン" in client.get("/").content.decode()
