"""Public pages read only their own query parameters: anything else is the same page.

A crawler's ``?utm_source=…`` or a cache-buster's random parameter must neither
add a cache entry nor make the page again: the page cache and the content cache
are keyed by the parameters the view reads, each in one spelling.
"""

import pytest
from django.core.cache import cache

from tests.actions.staff_users import make_user

pytestmark = pytest.mark.django_db

AREA = "/plans/nakai-dx-1.0/areas/1/?year=2025"
PAGES = [
    "/",
    "/?plan=nakai-dx-1.0&year=2025",
    AREA,
    AREA + "&sort=-status&page=1",
    AREA + "&_export=csv",
    AREA + "&_export=xlsx",
    "/plans/nakai-dx-1.0/items/1/",
    "/opendata/",
    "/opendata/achievement.json?plan=nakai-dx-1.0&year=2025",
    "/opendata/achievement.csv?plan=nakai-dx-1.0",
]
NOISE = ["utm_source=mail", "cachebuster=8f3a1", "fbclid=x&y=1&z=%E3%81%82"]


def _entries():
    return len(cache._cache)  # the local memory cache of the test settings


def _with(url, extra):
    return f"{url}{'&' if '?' in url else '?'}{extra}"


@pytest.mark.parametrize("url", PAGES)
def test_unknown_parameters_add_no_cache_entry_and_are_served_from_the_cache(
    client, town_data, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    entries = _entries()
    for extra in NOISE:
        with django_assert_num_queries(0):  # the page came from the cache
            again = client.get(_with(url, extra))
        assert again.status_code == 200
        assert again.content == first.content
    assert _entries() == entries


def test_the_page_links_do_not_carry_unknown_parameters(client, town_data):
    html = client.get(AREA + "&utm_source=mail&sort=title").content.decode()
    assert "utm_source" not in html
    assert "sort=-title" in html  # the table's own links keep the parameters it reads


@pytest.mark.parametrize(
    "noise",
    ["sort=no_such_column", "_export=pdf", "page=abc", "per_page=x", "sort=status,-code"],
)
def test_a_value_the_page_does_not_use_is_the_plain_page(
    client, town_data, noise, django_assert_num_queries
):
    first = client.get(AREA)
    entries = _entries()
    with django_assert_num_queries(0):
        again = client.get(_with(AREA, noise))
    assert again.content == first.content
    assert _entries() == entries


def test_other_spellings_of_a_known_value_share_one_entry(
    client, town_data, django_assert_num_queries
):
    first = client.get("/?plan=nakai-dx-1.0&year=2025")
    for spelling in (
        "令和7年度",
        "R7",
        "2025年度",
        "%E4%BB%A4%E5%92%8C%EF%BC%97%E5%B9%B4%E5%BA%A6",
    ):
        with django_assert_num_queries(0):
            again = client.get(f"/?year={spelling}&plan=nakai-dx-1.0")
        assert again.content == first.content


def test_a_page_past_the_end_is_kept_as_at_most_the_last_page_number_allowed(client, town_data):
    client.get(AREA + "&page=10000")
    entries = _entries()
    for page in (10_001, 99_999_999, 10**30):
        assert client.get(f"{AREA}&page={page}").status_code == 200
    assert _entries() == entries


def test_a_signed_in_reader_adds_no_content_entry_for_unknown_parameters(client, town_data):
    client.force_login(make_user("manager", "manager"))
    url = "/?plan=nakai-dx-1.0&year=2025"
    first = client.get(url)
    entries = _entries()
    for extra in NOISE:
        html = client.get(_with(url, extra)).content.decode()
        assert "utm_source" not in html and "cachebuster" not in html
    assert _entries() == entries
    assert "60.0%" in first.content.decode()


def test_a_parameter_the_page_refuses_is_still_refused(client, town_data):
    assert client.get("/?plan=nakai-dx-1.0&year=令和99年度").status_code == 404
    assert client.get("/opendata/achievement.csv?encoding=latin-1&utm=1").status_code == 400
    assert client.get("/?plan=no-such-plan&utm=1").status_code == 404
