"""The operator sets a town's own achievement rule in the admin; a town's admin only reads it.

A bad weight is refused in Japanese and changes nothing; a saved rule changes the
data versions, so no figure computed by the old rule is served again.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from actions.models import StaffProfile
from plans import versions
from plans.models import NationalPlanItem, PriorityArea, Town
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def town_form(town, **changes):
    data = {
        "code": town.code,
        "name": town.name,
        "prefecture": town.prefecture,
        "office": town.office,
        "contact": town.contact,
        "licence": town.licence,
        "citation": town.citation,
        "undeterminable_in_denominator": "",
        "partial_weight": "",
        "count_listings": "",
        "hosts-TOTAL_FORMS": "0",
        "hosts-INITIAL_FORMS": "0",
        "hosts-MIN_NUM_FORMS": "0",
        "hosts-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_superuser("operator", password="x")
    client.force_login(user)
    return user


def test_the_operator_sets_a_towns_rule(client, operator, the_town):
    before = versions.Versions().everything
    response = client.post(
        f"/admin/plans/town/{the_town.pk}/change/",
        town_form(the_town, partial_weight="0.5", undeterminable_in_denominator="False"),
    )
    assert response.status_code == 302
    the_town.refresh_from_db()
    assert the_town.partial_weight == Decimal("0.5")
    assert the_town.undeterminable_in_denominator is False
    assert the_town.count_listings is None  # left to the deployment
    assert versions.Versions().everything != before  # cached figures are keyed anew


@pytest.mark.parametrize("weight", ["1.5", "-0.1"])
def test_a_weight_outside_0_to_1_is_refused_in_japanese(client, operator, the_town, weight):
    response = client.post(
        f"/admin/plans/town/{the_town.pk}/change/", town_form(the_town, partial_weight=weight)
    )
    assert response.status_code == 200
    assert "一部達成の重みは0以上1以下で入力してください" in response.content.decode()
    the_town.refresh_from_db()
    assert the_town.partial_weight is None


def test_a_towns_admin_sees_the_rule_but_cannot_change_it(client, the_town):
    user = get_user_model().objects.create_user("kanri", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_town", "change_town"]))
    StaffProfile.objects.update_or_create(user=user, defaults={"town": the_town})
    client.force_login(user)
    page = client.get(f"/admin/plans/town/{the_town.pk}/change/").content.decode()
    assert "一部達成の重み" in page
    assert 'name="partial_weight"' not in page
    client.post(
        f"/admin/plans/town/{the_town.pk}/change/",
        town_form(the_town, partial_weight="0.5", office="企画課"),
    )
    the_town.refresh_from_db()
    assert the_town.partial_weight is None


def test_the_admin_links_an_area_to_national_items(client, operator):
    plan = make_plan(areas=("町民サービスの向上",))
    area = plan.areas.get()
    front = NationalPlanItem.objects.create(name="フロントヤード改革")
    listing = client.get("/admin/plans/priorityarea/").content.decode()
    assert "国計画の重点取組事項" in listing
    page = client.get(f"/admin/plans/priorityarea/{area.pk}/change/").content.decode()
    assert 'name="national_items"' in page
    response = client.post(
        f"/admin/plans/priorityarea/{area.pk}/change/",
        {
            "plan": plan.pk,
            "number": 1,
            "name": area.name,
            "national_items": [front.pk],
            "aliases": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(PriorityArea.objects.get(pk=area.pk).national_items.all()) == [front]
    listing = client.get("/admin/plans/priorityarea/").content.decode()
    assert "フロントヤード改革" in listing


def test_the_town_list_shows_each_towns_rule(client, operator, the_town):
    Town.objects.create(code="011002", name="札幌市", prefecture="北海道", count_listings=False)
    listing = client.get("/admin/plans/town/").content.decode()
    assert "取組ごとに1回だけ数える" in listing
    assert "全体の設定に従う" in listing
