"""Cached figures and whole public pages: served again, and never after the data changed.

Every test first fills the cache with the page as it is, then changes the data
the way the product does (services, the admin's saves, imports, master edits)
and reads the page again. Each runs with local memory and with Redis.
"""

import os

import pytest
from django.core.cache import cache
from django.test import override_settings

from actions import services
from actions.imports.workbook.importer import WorkbookImport
from actions.imports.workbook.reader import SheetData
from actions.models import ActionItem, Kpi, Status
from plans.models import Plan, PriorityArea
from tests.actions.staff_users import make_user
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

DASHBOARD = "/?plan=nakai-dx-1.0&year=2025"
AREA = "/plans/nakai-dx-1.0/areas/1/?year=2025"
JSON = "/opendata/achievement.json?plan=nakai-dx-1.0&year=2025"
CSV = "/opendata/achievement.csv?plan=nakai-dx-1.0"


# The Redis runs of these tests clear the database they are given: they run only when
# TEST_REDIS_URL names one set aside for tests (.ci/run sets redis://127.0.0.1:6379/15),
# never against a Redis that merely happens to be running. Under pytest-xdist they share
# one worker (tests/conftest.py), so no run clears the database under another.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


@pytest.fixture(params=["locmem", "redis"], autouse=True)
def backend(request):
    if request.param == "locmem":
        yield request.param
        return
    if not REDIS_URL:
        pytest.skip(
            "Redis でのテストは TEST_REDIS_URL（テスト専用のデータベース。中身は消えます）を"
            "設定したときだけ実行します（.ci/run が設定します）"
        )
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nakai-tests",
        }
    }
    with override_settings(CACHES=caches):
        cache.clear()
        yield request.param
        cache.clear()


@pytest.fixture
def plan(town_data):
    return Plan.objects.get(slug="nakai-dx-1.0")


@pytest.fixture
def admin(db):
    return make_user("admin", "admin")


def _cached(client, url, django_assert_num_queries):
    """GET the page twice; the second comes whole from the cache, without a query (the data
    versions unchanged since the first, as their stamp says: reports.freshness)."""
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    return first.content.decode()


def _reopen(plan, admin, change):
    """Withdraw and unlock 令和7年度, make the change, then lock and publish it again."""
    services.publish_year(plan, 2025, user=admin, publish=False, reason="訂正のため")
    services.unlock_year(plan, 2025, reason="訂正のため", user=admin)
    change()
    services.lock_year(plan, 2025, user=admin, reason="訂正の確認済み")
    services.publish_year(plan, 2025, user=admin)


def test_a_published_page_is_served_again_from_the_cache(client, plan, django_assert_num_queries):
    for url in (DASHBOARD, "/", AREA, JSON, CSV, "/opendata/", "/plans/nakai-dx-1.0/items/1/"):
        _cached(client, url, django_assert_num_queries)


def test_unpublishing_takes_the_cached_pages_down(client, plan, admin, django_assert_num_queries):
    for url in (DASHBOARD, AREA, JSON):
        _cached(client, url, django_assert_num_queries)
    services.publish_year(plan, 2025, user=admin, publish=False, reason="訂正のため")
    for url in (DASHBOARD, AREA, JSON):
        assert client.get(url).status_code == 404, url
    assert "2025" not in client.get(CSV).content.decode("utf-8-sig")


def test_a_status_corrected_after_unlocking_is_what_the_pages_show(
    client, plan, admin, django_assert_num_queries
):
    before = _cached(client, DASHBOARD, django_assert_num_queries)
    assert "60.0%" in before
    csv_before = client.get(CSV).content
    achieved = ActionItem.objects.filter(
        plan=plan, statuses__fiscal_year=2025, statuses__status=Status.ACHIEVED
    ).first()

    def correct():
        services.record_status(
            achieved, 2025, status=Status.NOT_ACHIEVED, comment="訂正", user=admin
        )

    _reopen(plan, admin, correct)
    after = client.get(DASHBOARD).content.decode()
    assert "60.0%" not in after
    assert "56.7%" in after  # (13 + 4) / 30
    assert client.get(CSV).content != csv_before
    assert client.get(JSON).json()["overall"]["achieved"] == 13


def test_a_draft_view_follows_every_save(client, plan, admin):
    items = list(ActionItem.objects.filter(plan=plan).order_by("sort_key")[:2])
    services.record_statuses([(item, 2024, Status.ACHIEVED) for item in items], user=admin)
    client.force_login(admin)
    url = "/?plan=nakai-dx-1.0&year=2024"
    assert "達成 2件" in client.get(url).content.decode()
    services.record_status(items[0], 2024, status=Status.NOT_ACHIEVED, comment="遅れ", user=admin)
    html = client.get(url).content.decode()
    assert "達成 1件" in html
    services.record_status(items[0], 2024, status="", user=admin)
    assert "達成 1件" in client.get(url).content.decode()
    assert "未評価 29件" in client.get(url).content.decode()


def test_a_refused_write_leaves_the_cached_page_in_place(
    client, plan, admin, django_assert_num_queries
):
    _cached(client, DASHBOARD, django_assert_num_queries)
    item = ActionItem.objects.filter(plan=plan).first()
    with pytest.raises(services.YearLockedError):
        services.record_status(item, 2025, status=Status.NOT_ACHIEVED, comment="x", user=admin)
    with django_assert_num_queries(0):
        client.get(DASHBOARD)


def test_a_kpi_actual_corrected_after_unlocking_is_on_the_item_page(client, plan, admin):
    kpi = Kpi.objects.filter(item__plan=plan).select_related("item", "item__plan").first()
    url = kpi.item.get_absolute_url()
    assert "987654" not in client.get(url).content.decode()
    _reopen(plan, admin, lambda: services.record_kpi_actual(kpi, 2025, "987654", user=admin))
    assert "987654" in client.get(url).content.decode()


def test_master_edits_saved_one_by_one_show_at_once(client, plan, django_assert_num_queries):
    html = _cached(client, AREA, django_assert_num_queries)
    item = ActionItem.objects.filter(plan=plan, primary_area__number=1).first()
    assert item.title in html
    item.title = "名称を改めた取組"  # as the admin's change form saves it
    item.save()
    assert "名称を改めた取組" in client.get(AREA).content.decode()
    area = PriorityArea.objects.get(plan=plan, number=1)
    area.name = "町民サービスの向上（改）"
    area.save()
    # The name breaks between phrases (<wbr>) in the table.
    assert "町民サービスの向上（改）" in client.get(DASHBOARD).content.decode().replace("<wbr>", "")
    other = ActionItem.objects.filter(plan=plan, primary_area__number=2).first()
    area.relisted_items.add(other)  # a 再掲 listing added in the admin
    assert other.title in client.get(AREA).content.decode()


def test_an_import_of_master_rows_shows_at_once(client, plan, admin, django_assert_num_queries):
    _cached(client, AREA, django_assert_num_queries)
    item = ActionItem.objects.filter(plan=plan, primary_area__number=1).order_by("sort_key").first()
    sheet = SheetData(
        name="取組",
        rows=[
            (1, ("計画ID", "取組番号", "取組名", "重点施策区分")),
            (2, ("nakai-dx-1.0", item.code, "取込で改めた取組名", item.primary_area.name)),
        ],
    )
    job = WorkbookImport([sheet], user=admin).run()
    assert job.ok, job.errors
    assert "取込で改めた取組名" in client.get(AREA).content.decode()


def test_a_signed_in_reader_never_gets_the_anonymous_copy(client, plan, admin):
    client.get(DASHBOARD)
    client.force_login(admin)
    assert "ログアウト（admin）" in client.get(DASHBOARD).content.decode()


def test_the_figures_cache_is_keyed_by_plan_and_year(client, db):
    build_plan(10, slug="plan-a")
    build_plan(10, slug="plan-b")
    a = client.get("/opendata/achievement.json?plan=plan-a&year=2025").json()
    b = client.get("/opendata/achievement.json?plan=plan-b&year=2025").json()
    assert (a["plan"], b["plan"]) == ("plan-a", "plan-b")


def test_an_import_job_s_own_bookkeeping_leaves_the_cached_pages_in_place(
    client, plan, admin, django_assert_num_queries
):
    from actions.imports.workbook import store
    from actions.models import ImportJob

    _cached(client, DASHBOARD, django_assert_num_queries)
    job = store.save_upload(b"not read here", filename="x.xlsx", user=admin)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED)
    job.refresh_from_db()
    job.save()
    with django_assert_num_queries(0):
        assert client.get(DASHBOARD).status_code == 200
