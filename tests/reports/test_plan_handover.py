"""Plan revisions hand years over: 1.0版 holds 令和5–7年度, 2.0版 takes over from 令和8年度.

Each version's pages offer only its own years and point to the other version for the rest.
"""

import pytest
from django.contrib.auth.models import Group, User

from actions.models import ActionItem, Status, YearlyStatus
from actions.permissions import MANAGER_GROUP
from plans.models import Plan
from plans.versions import data_changed
from tests.html_tables import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    user = User.objects.create_user("honbu", password="x")
    user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    client.force_login(user)
    return client


@pytest.fixture
def stray_rows(town_data):
    """Plan 2.0 items with 令和7年度 rows (say, from an old workbook) and 令和8年度 ones."""
    items = list(ActionItem.objects.filter(plan__slug="nakai-dx-2.0"))
    YearlyStatus.objects.bulk_create(
        [YearlyStatus(item=item, fiscal_year=2025, status=Status.ACHIEVED) for item in items]
        + [YearlyStatus(item=items[0], fiscal_year=2026, status=Status.ACHIEVED)]
    )
    data_changed(items[0].plan, [2025, 2026])  # a bulk write sends no signal
    return items


def test_plan_2_offers_only_its_own_years(manager_client, stray_rows):
    response = manager_client.get("/?plan=nakai-dx-2.0")
    years = [year.fiscal_year for year in response.context["selection"].years]
    assert years == [2026]
    assert "令和7年度" not in response.content.decode().split('aria-label="計画と年度の選択"')[1]


def test_the_item_page_of_plan_2_shows_no_year_before_it_took_effect(manager_client, stray_rows):
    response = manager_client.get(stray_rows[0].get_absolute_url())
    assert [row["fiscal_year"] for row in response.context["status_rows"]] == [2026]


def test_a_year_of_the_other_version_leads_there(manager_client, town_data):
    response = manager_client.get("/?plan=nakai-dx-2.0&year=R7")
    assert response.status_code == 302
    assert response["Location"] == "/?plan=nakai-dx-1.0&year=2025"
    response = manager_client.get("/?plan=nakai-dx-1.0&year=2027")
    assert response["Location"] == "/?plan=nakai-dx-2.0&year=2027"
    # A year neither version holds is simply not there.
    assert manager_client.get("/?plan=nakai-dx-2.0&year=2035").status_code == 404
    assert manager_client.get("/?plan=nakai-dx-2.0&year=R").status_code == 404


@pytest.mark.parametrize(
    ("slug", "text", "other"),
    [
        ("nakai-dx-2.0", "令和7年度までの評価は", "nakai-dx-1.0"),
        ("nakai-dx-1.0", "令和8年度からの評価は", "nakai-dx-2.0"),
    ],
)
def test_the_dashboard_and_the_plan_page_point_to_the_other_version(
    client, town_data, slug, text, other
):
    other_plan = Plan.objects.get(slug=other)
    sentence = f'{text}<a href="/?plan={other}">{other_plan}</a>をご覧ください。'
    assert sentence in client.get(f"/?plan={slug}").content.decode()
    plan_page = client.get(f"/plans/{slug}/").content.decode()
    assert sentence in plan_page


def test_the_plan_page_states_the_years_it_is_evaluated_for(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    assert "<dt>評価の対象年度</dt><dd>令和8年度～令和10年度" in html
    html = client.get("/plans/nakai-dx-1.0/").content.decode()
    assert "<dt>評価の対象年度</dt><dd>令和5年度～令和7年度" in html


def test_the_years_page_lists_each_versions_own_years(manager_client, town_data):
    response = manager_client.get("/staff/years/")
    years = {
        block["plan"].slug: [row["year"] for row in block["rows"]]
        for block in response.context["sections"]
    }
    assert years == {"nakai-dx-1.0": [2023, 2024, 2025], "nakai-dx-2.0": [2026, 2027, 2028]}
    assert table(response.content.decode(), "中井町DX推進計画（2.0版）の年度別の状態（取組 11件）")
