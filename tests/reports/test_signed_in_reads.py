"""What a signed-in reader's page costs once its content is cached, and that it stays right.

A draft page is read by staff many times between two writes: after the first
read (reports.cache.signed_in_page keeps it whole for everyone with the same
roles) it costs the session, the user and the user's roles, whatever the plan and
its data; the town and its data versions come from the stamp (reports.freshness).
The reader's own part, the sign-out form with their name and CSRF token, is theirs.
"""

import datetime
import re

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
def test_a_cached_page_costs_a_signed_in_reader_three_queries(
    client, manager, item_count, url, django_assert_num_queries
):
    build_plan(item_count)
    client.force_login(manager)
    first = client.get(url)
    assert first.status_code == 200
    # The session, the user and the user's roles.
    with django_assert_num_queries(3):
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


@pytest.mark.parametrize("url", [DASHBOARD, AREA])
def test_each_reader_of_a_kept_page_gets_their_own_name_and_a_csrf_token_that_works(url, db):
    from django.test import Client

    build_plan(10)
    first, second = make_user("manager", "manager"), make_user("manager-2", "manager")
    readers = []
    for user in (first, second):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        html = client.get(url).content.decode()
        readers.append((client, user, html))
    for client, user, html in readers:
        assert f"ログアウト（{user.username}）" in html
        other = "manager-2" if user == first else "manager）"
        assert other not in html
        [token] = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        signed_out = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
        assert signed_out.status_code in (200, 302)  # 403 if the token were refused
        assert "職員ログイン" in client.get("/").content.decode()


def test_a_message_for_the_reader_is_shown_once_and_never_kept(client, manager, rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    build_plan(10)
    client.force_login(manager)
    client.get(DASHBOARD)  # the page is kept
    storage = CookieStorage(rf.get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "保存しました")])
    assert "保存しました" in client.get(DASHBOARD).content.decode()
    assert "保存しました" not in client.get(DASHBOARD).content.decode()


def test_a_kept_page_is_the_readers_language_and_host(client, manager, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.localhost"]
    build_plan(10)
    client.force_login(manager)
    client.get(DASHBOARD)
    english = client.get("/en" + DASHBOARD).content.decode()
    assert '<html lang="en"' in english and "Sign out (manager)" in english
    other = client.get(DASHBOARD, HTTP_HOST="other.localhost").content.decode()
    assert 'href="http://other.localhost/en/' in other
    assert "http://testserver/" not in other
