"""Each town's data versions: a town's pages read only its own rows, whatever the number of towns.

plans.versions keys every cached page and figure by the versions of the data
it shows. With towns, every row carries its town: a town's request reads its
rows in one query on the town key, a write in one town leaves the other towns'
cached pages alone, and a change to what every town shows (the national plan,
towns and their host names) changes every town's keys.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions import services
from actions.models import StaffProfile, Status, YearlyStatus
from plans import versions
from plans.models import DataVersion, NationalPlanItem, Section, Town, TownHost
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_year

pytestmark = pytest.mark.django_db

YEAR = 2025
NAKAI, OTHER = "nakai.localhost", "other.localhost"


def add_town(number, host=None):
    """A town with a plan of three items, a status and a published year (codes 01000x)."""
    first_five = f"0{number:04d}"
    from plans.models import code_check_digit

    town = Town.objects.create(
        code=first_five + str(code_check_digit(first_five)), name=f"町{number}", prefecture="県"
    )
    if host:
        TownHost.objects.create(town=town, host=host)
    plan = make_plan(slug="dx-1.0", name=f"町{number}の計画", town=town)
    items = make_items(plan, plan.areas.first(), 3)
    services.record_status(items[0], YEAR, status=Status.ACHIEVED, comment="済")
    make_year(plan, YEAR, "published")
    versions.data_changed(plan, [YEAR])
    return town, plan, items


@pytest.fixture
def hosts(the_town, settings):
    settings.ALLOWED_HOSTS = [".localhost", "testserver"]
    TownHost.objects.create(town=the_town, host=NAKAI)
    plan = make_plan(slug="dx-1.0", name="中井の計画", town=the_town)
    items = make_items(plan, plan.areas.first(), 3)
    services.record_status(items[0], YEAR, status=Status.ACHIEVED, comment="済")
    make_year(plan, YEAR, "published")
    versions.data_changed(plan, [YEAR])
    other = add_town(1, OTHER)
    return {"nakai": (the_town, plan, items), "other": other}


def _versions_queries(queries):
    table = DataVersion._meta.db_table
    return [
        q["sql"] for q in queries if table in q["sql"] and q["sql"].lstrip().startswith("SELECT")
    ]


def test_every_row_carries_its_town(hosts):
    nakai, nakai_plan, _ = hosts["nakai"]
    other, other_plan, _ = hosts["other"]
    rows = DataVersion.objects.values_list("town_id", "plan_id")
    assert {town for town, plan in rows if plan == nakai_plan.pk} == {nakai.pk}
    assert {town for town, plan in rows if plan == other_plan.pk} == {other.pk}
    assert versions.current(nakai).keys() & {(other_plan.pk, 0), (other_plan.pk, YEAR)} == set()
    assert (nakai_plan.pk, YEAR) in versions.current(nakai)


def test_a_towns_signed_in_page_reads_only_its_own_rows_whatever_the_number_of_towns(client, hosts):
    nakai = hosts["nakai"][0]
    manager = make_user("kacho", "manager")
    StaffProfile.objects.create(user=manager, town=nakai)
    client.force_login(manager)
    url = f"/?plan=dx-1.0&year={YEAR}"
    counts = []
    for more in (0, 12):
        for number in range(2, 2 + more):
            add_town(number)
        # The first read after the towns were added reads the versions: its own town's rows.
        with CaptureQueriesContext(connection) as first:
            assert client.get(url, HTTP_HOST=NAKAI).status_code == 200
        [read] = _versions_queries(first.captured_queries)
        assert f"town_id = {nakai.pk}" in read.replace('"', "")
        with CaptureQueriesContext(connection) as queries:  # the page is kept whole
            assert client.get(url, HTTP_HOST=NAKAI).status_code == 200
        assert _versions_queries(queries.captured_queries) == []
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert Town.objects.count() == 14


def test_an_anonymous_cached_page_reads_its_towns_rows_once_the_stamp_changes(
    client, hosts, django_assert_num_queries
):
    url = f"/?plan=dx-1.0&year={YEAR}"
    first = client.get(url, HTTP_HOST=NAKAI).content
    with django_assert_num_queries(0):
        client.get(url, HTTP_HOST=NAKAI)
    # A write in the other town changes the stamp: 中井町's rows are read again (one
    # query on its town key), they have not changed, and its kept page is served.
    _, other_plan, other_items = hosts["other"]
    services.record_status(other_items[1], YEAR + 1, status=Status.ACHIEVED, comment="済")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_HOST=NAKAI).content
    assert again == first
    [read] = _versions_queries(queries.captured_queries)
    assert len(queries.captured_queries) == 1 and "town_id" in read


def test_a_write_in_one_town_shows_at_once_on_its_own_pages(client, hosts):
    _, plan, items = hosts["nakai"]
    url = f"/plans/dx-1.0/items/{items[1].code}/"
    assert "訂正した取組名" not in client.get(url, HTTP_HOST=NAKAI).content.decode()
    items[1].title = "訂正した取組名"
    items[1].save()
    assert "訂正した取組名" in client.get(url, HTTP_HOST=NAKAI).content.decode()
    assert client.get(url, HTTP_HOST=OTHER).status_code == 200
    assert "訂正した取組名" not in client.get(url, HTTP_HOST=OTHER).content.decode()


def test_a_change_to_what_every_town_shows_changes_every_towns_versions(hosts):
    towns = [hosts["nakai"][0], hosts["other"][0]]
    before = [versions.current(town)[versions.TOWN_ROW] for town in towns]
    NationalPlanItem.objects.create(name="マイナンバーカードの普及")
    after = [versions.current(town)[versions.TOWN_ROW] for town in towns]
    assert all(b != a for b, a in zip(before, after, strict=True))


def test_a_towns_own_change_leaves_the_other_towns_versions_alone(hosts):
    nakai, other = hosts["nakai"][0], hosts["other"][0]
    theirs = versions.current(other)
    mine = versions.current(nakai)[versions.TOWN_ROW]
    Section.objects.create(town=nakai, name="総務課")
    assert versions.current(other) == theirs
    assert versions.current(nakai)[versions.TOWN_ROW] != mine


def test_a_host_moved_to_another_town_serves_that_town_at_once(client, hosts):
    url = "/plans/"
    assert "中井の計画" in client.get(url, HTTP_HOST=NAKAI).content.decode()
    assert "中井の計画" in client.get(url, HTTP_HOST=NAKAI).content.decode()  # kept
    other = hosts["other"][0]
    TownHost.objects.filter(host=NAKAI).update(town=other)  # no signal: as by hand …
    versions.data_changed()  # … and said, as the admin's save says it
    page = client.get(url, HTTP_HOST=NAKAI).content.decode()
    assert "町1の計画" in page and "中井の計画" not in page


def test_a_kept_host_that_serves_another_town_is_looked_up_again(client, hosts):
    from reports import freshness

    url = "/plans/"
    client.get(url, HTTP_HOST=NAKAI)
    other = hosts["other"][0]
    # Moved without telling the versions (SQL by hand): the page is made for the town the
    # request was found to serve, not kept under the other town's versions, and the host
    # is looked up again next time.
    TownHost.objects.filter(host=NAKAI).update(town=other)
    client.get("/timeline/", HTTP_HOST=NAKAI)
    assert NAKAI not in freshness._hosts


def test_the_comparison_shows_a_towns_new_publication_on_every_host(client, hosts):
    nakai, plan, items = hosts["nakai"]
    for host in (NAKAI, OTHER):
        assert "1／3" in client.get("/towns/", HTTP_HOST=host).content.decode()
    # The other town publishes a second rated item: 中井町's host shows it too.
    _, other_plan, other_items = hosts["other"]
    YearlyStatus.objects.create(item=other_items[1], fiscal_year=YEAR, status=Status.ACHIEVED)
    versions.data_changed(other_plan, [YEAR])  # a bulk write sends no signal
    for host in (NAKAI, OTHER):
        assert "2／3" in client.get("/towns/", HTTP_HOST=host).content.decode()


def test_the_comparison_reads_every_towns_rows_in_one_query(client, hosts):
    client.get("/towns/", HTTP_HOST=NAKAI)
    versions.data_changed(hosts["other"][1], [YEAR])
    with CaptureQueriesContext(connection) as queries:
        client.get("/towns/", HTTP_HOST=NAKAI)
    assert len(_versions_queries(queries.captured_queries)) == 1


def test_outside_a_request_a_plans_key_reads_its_towns_rows(hosts):
    _, plan, _ = hosts["other"]
    key = versions.Versions().of(plan, YEAR)
    rows = versions.current(plan.town_id)
    assert key == f"{rows[versions.TOWN_ROW]}-{rows[(plan.pk, 0)]}-{rows[(plan.pk, YEAR)]}"
    assert versions.Versions().of(plan.pk, YEAR) == key


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_change_to_the_town_shows_on_its_next_page_signed_in_or_not(client, hosts, signed_in):
    """The town a host serves is kept with its version row (reports.freshness): a save of
    the town, or a host name moved to another town, is seen by the next request."""
    nakai, _plan, _items = hosts["nakai"]
    if signed_in:
        manager = make_user("kacho", "manager")
        StaffProfile.objects.create(user=manager, town=nakai)
        client.force_login(manager)
    url = f"/?plan=dx-1.0&year={YEAR}"
    assert "中井町" in client.get(url, HTTP_HOST=NAKAI).content.decode()
    nakai.name = "なかい町"
    nakai.save()
    assert "なかい町" in client.get(url, HTTP_HOST=NAKAI).content.decode()
    TownHost.objects.filter(host=NAKAI).update(town=hosts["other"][0])
    versions.data_changed()  # as the admin's save of a host name does
    page = client.get(f"/?plan=dx-1.0&year={YEAR}", HTTP_HOST=NAKAI).content.decode()
    assert "町1の計画" in page and "なかい町" not in page
