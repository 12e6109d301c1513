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
