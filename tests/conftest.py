import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run at once, inside the request; tests of the worker
    # itself switch to the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The API's rate limit is for its own tests (tests/reports/test_api.py) to set.
    settings.API_RATE_LIMIT = "100000/min"
    settings.WORK_DIR = Path(tempfile.mkdtemp(prefix="nakai-tests-"))
    # The versions' stamp of this test process; no reading of them expires by age
    # within a test, so that a query count does not depend on how fast it runs.
    settings.VERSION_STAMP = str(settings.WORK_DIR / "data-version")
    settings.VERSION_STAMP_MAX_AGE = 3600
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the data versions restart with its database."""
    from django.core.cache import cache

    from reports import freshness

    cache.clear()
    freshness.forget()  # the versions this process read belong to the last test's database


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
        # Tests on a shared service (the Redis runs of tests/reports/test_cache.py) go to
        # one pytest-xdist worker (--dist loadgroup), so they never clear it under each other.
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "redis":
            item.add_marker(pytest.mark.xdist_group("shared-redis"))


TOWN = {
    "code": "143618",
    "name": "中井町",
    "prefecture": "神奈川県",
    "office": "企画課 デジタル推進班",
    "name_en": "Nakai Town",
    "name_kana": "なかいまち",
    "office_en": "Digital Promotion Unit, Planning Division",
}


@pytest.fixture(autouse=True)
def the_town(request):
    """Every database test runs on a deployment of one town, as the product ships.

    The town is the fixture's (same key), so loading the town's data keeps one
    town; tests of several towns add their others themselves.
    """
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and not {"db", "transactional_db", "live_server"} & set(names):
        return None
    transactional = (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.core.management.color import no_style
    from django.db import connection

    from plans.models import Town

    town, created = Town.objects.get_or_create(pk=1, defaults=TOWN)
    if created:  # a key given by hand: PostgreSQL's sequence must move past it
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Town]):
                cursor.execute(sql)
    return town


@pytest.fixture
def town_data(db):
    """The town's published plan data (fixtures/nakai_dx_plan.json)."""
    call_command("loaddata", "nakai_dx_plan", verbosity=0)


@pytest.fixture(scope="session")
def town_data_session(django_db_setup, django_db_blocker):
    """The town's data loaded once for tests that only read it (live server, browser)."""
    with django_db_blocker.unblock():
        call_command("loaddata", "nakai_dx_plan", verbosity=0)


@pytest.fixture
def live_town_data(transactional_db):
    """The town's data, committed so that the live server's thread sees it on any database."""
    call_command("loaddata", "nakai_dx_plan", verbosity=0)
