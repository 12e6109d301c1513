"""取組番号 as towns write them: matching keys, natural order, URLs, the carried-over numbers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from actions import codes
from actions.models import ActionItem
from tests.factories import make_plan
from tests.migrating import migrate, migrate_to_the_latest


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        (12, "12"),
        (12.0, "12"),
        ("12", "12"),
        ("１２", "12"),
        (" 12 ", "12"),
        ("A-01", "A-01"),
        ("Ａ－０１", "A-01"),
        ("a−01", "A-01"),
        ("1-(2)-③", "1-(2)-③"),
        ("１－（２）－③", "1-(2)-③"),
        ("①", "①"),
        ("Ⅱ-3", "Ⅱ-3"),
        ("防1", "防1"),
        ("防 １", "防1"),
    ],
)
def test_a_typed_code_has_the_key_of_the_item_it_means(typed, key):
    assert codes.normalise(typed) == key


def test_circled_and_roman_numerals_stay_distinct_from_plain_numbers():
    assert codes.normalise("①") != codes.normalise("1")
    assert codes.normalise("Ⅱ") != codes.normalise("II")
    assert codes.normalise("②") != codes.normalise("①")


@pytest.mark.parametrize("bad", ["", "   ", "\u3000", "A\x00", "x" * 31])
def test_an_unusable_code_is_refused_in_japanese(bad):
    with pytest.raises(codes.InvalidCode, match="取組番号"):
        codes.normalise(bad)


NATURAL = [
    "1",
    "1-(2)",
    "1-(2)-③",
    "1-(2)-⑩",
    "1-(10)",
    "2",
    "10",
    "①",
    "②",
    "⑩",
    "Ⅱ-3",
    "Ⅹ-1",
    "A-01",
    "A-2",
    "A-10",
    "B",
    "防1",
    "防2",
    "防10",
]


def test_codes_sort_naturally_in_python():
    shuffled = NATURAL[::-1]
    assert sorted(shuffled, key=lambda c: codes.sort_key(codes.normalise(c))) == NATURAL


@pytest.mark.django_db
def test_the_database_orders_items_naturally():
    plan = make_plan()
    area = plan.areas.first()
    for code in reversed(NATURAL):
        ActionItem.objects.create(plan=plan, code=code, title=f"取組{code}", primary_area=area)
    assert list(ActionItem.objects.filter(plan=plan).values_list("code", flat=True)) == NATURAL


@pytest.mark.django_db
def test_the_same_code_typed_two_ways_is_one_item():
    plan = make_plan()
    area = plan.areas.first()
    ActionItem.objects.create(plan=plan, code="A-01", title="一つ目", primary_area=area)
    with pytest.raises(IntegrityError):
        ActionItem.objects.create(plan=plan, code="Ａ－０１", title="二つ目", primary_area=area)


@pytest.mark.django_db
def test_the_admin_form_reports_a_bad_code_on_its_field():
    plan = make_plan()
    item = ActionItem(plan=plan, code="\u3000", title="取組", primary_area=plan.areas.first())
    with pytest.raises(ValidationError) as raised:
        item.full_clean()
    assert "code" in raised.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["1-(2)-③", "Ａ－０１", "①", "Ⅱ-3", "防1", "a/b", "50%?#"])
def test_every_code_has_a_working_item_page(client, code):
    plan = make_plan()
    item = ActionItem.objects.create(
        plan=plan, code=code, title="コードの取組", primary_area=plan.areas.first()
    )
    url = item.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    assert f"取組 {code}" in response.content.decode()
    # The URL carries the matching key, so the code typed full-width finds the item too.
    assert client.get(reverse("reports:item", args=[plan.slug, code])).status_code == 200


@pytest.mark.django_db
def test_the_item_url_is_readable_and_stable():
    plan = make_plan(slug="p1")
    item = ActionItem.objects.create(
        plan=plan, code="Ａ－０１", title="取組", primary_area=plan.areas.first()
    )
    assert item.get_absolute_url() == "/plans/p1/items/A-01/"
    assert item.code == "Ａ－０１"  # shown as typed


@pytest.mark.django_db
def test_an_unknown_or_unreadable_code_is_a_japanese_404(client):
    plan = make_plan(slug="p1")
    for path in ("/plans/p1/items/zz-9/", "/plans/p1/items/%E3%80%80/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "の取組はありません" in response.content.decode()
    assert plan.items.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_numbered_items_over_unchanged():
    apps = migrate([("actions", "0003_yearly_status_index"), ("plans", "0001_initial")])
    Plan = apps.get_model("plans", "Plan")
    Area = apps.get_model("plans", "PriorityArea")
    Item = apps.get_model("actions", "ActionItem")
    Status = apps.get_model("actions", "YearlyStatus")
    Year = apps.get_model("actions", "EvaluationYear")
    plan = Plan.objects.create(
        slug="old",
        name="旧計画",
        version="1.0",
        published_on="2023-08-01",
        period_start="2023-08-01",
        period_end="2026-03-31",
    )
    area = Area.objects.create(plan=plan, number=1, name="区分")
    for number in (10, 2, 1):
        item = Item.objects.create(
            plan=plan, number=number, title=f"取組{number}", primary_area=area
        )
        Status.objects.create(item=item, fiscal_year=2024, status="achieved")
        Status.objects.create(item=item, fiscal_year=2025, status="achieved")
    Year.objects.create(plan=plan, fiscal_year=2025, is_locked=True)

    migrate_to_the_latest()

    items = list(ActionItem.objects.filter(plan__slug="old"))
    assert [item.code for item in items] == ["1", "2", "10"]
    assert [item.code_key for item in items] == ["1", "2", "10"]
    states = {
        (s.item.code, s.fiscal_year): s.state for s in items[0].statuses.select_related("item")
    }
    assert states == {("1", 2024): "entered", ("1", 2025): "approved"}
