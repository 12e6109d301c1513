"""The data versions' stamp: a cached page costs no query, and a write shows at once.

Every write of the versions' table rewrites the stamp (reports.freshness); a
request reads the table again only when the stamp changed, is missing, or its
reading is older than VERSION_STAMP_MAX_AGE.
"""

from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

from actions.models import ActionItem
from plans.versions import data_changed
from reports import freshness

pytestmark = pytest.mark.django_db

URL = "/?plan=nakai-dx-1.0&year=2025"


def _token():
    return Path(freshness.stamp_path()).read_bytes()


def test_a_cached_page_reads_nothing_until_a_write_changes_the_stamp(
    client, town_data, django_assert_num_queries
):
    page = "/plans/nakai-dx-1.0/items/1/"
    client.get(page)
    with django_assert_num_queries(0):
        client.get(page)
    before = _token()
    item = ActionItem.objects.get(plan__slug="nakai-dx-1.0", code="1")
    item.title = "訂正した取組名"
    item.save()
    assert _token() != before
    assert "訂正した取組名" in client.get(page).content.decode()
    with django_assert_num_queries(0):
        client.get(page)


def test_the_stamp_changes_again_when_the_write_commits(transactional_db):
    stamps = []
    with transaction.atomic():
        data_changed()
        stamps.append(_token())
    stamps.append(_token())
    assert stamps[0] != stamps[1]  # a reader between the write and its commit read old rows


def test_a_missing_stamp_reads_the_versions_every_time_until_it_is_made(
    client, town_data, django_assert_num_queries
):
    client.get(URL)
    Path(freshness.stamp_path()).unlink()
    with django_assert_num_queries(1):
        client.get(URL)
    assert Path(freshness.stamp_path()).exists()  # made again by that request


def test_a_reading_older_than_the_max_age_is_read_again(
    client, town_data, django_assert_num_queries
):
    client.get(URL)
    with override_settings(VERSION_STAMP_MAX_AGE=0):
        with django_assert_num_queries(1):
            client.get(URL)


def test_without_a_stamp_every_request_reads_the_versions(
    client, town_data, django_assert_num_queries
):
    with override_settings(VERSION_STAMP=""):
        client.get(URL)
        with django_assert_num_queries(1):
            client.get(URL)


def test_a_write_by_sql_on_the_versions_table_changes_the_stamp(town_data):
    before = _token()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE plans_dataversion SET version = version + 1")
    assert _token() != before
