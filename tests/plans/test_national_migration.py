"""Migration 0006 carries an existing database over: areas linked to the national plan's
items their 国計画との整合 text names (the text kept as written), 中井町's printed spellings
and note as data, every town's rule left to the deployment, nothing else changed."""

import datetime

import pytest

from tests.migrating import back_to_the_latest, historical_plan, migrate  # noqa: F401 (an autouse fixture)

BEFORE = [("plans", "0005_towns")]
AFTER = [("plans", "0006_national_items_rules_printed")]
REVIEW_TABLE = "中井町DX推進計画（2.0版）中間見直し 3-2 取組の達成状況（令和8年4月）"


def a_plan(apps, town, slug):
    return historical_plan(
        apps, town, slug, "2.0", datetime.date(2026, 4, 1), datetime.date(2029, 3, 31)
    )


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_gets_its_links_and_spellings():
    old = migrate(BEFORE)
    Town = old.get_model("plans", "Town")
    Item = old.get_model("plans", "NationalPlanItem")
    Area = old.get_model("plans", "PriorityArea")
    Figure = old.get_model("plans", "PublishedFigure")
    nakai = Town.objects.get(code="143618")
    other = Town.objects.create(code="011002", name="札幌市", prefecture="北海道")
    front = Item.objects.create(edition="第5.0版", name="フロントヤード改革")
    Item.objects.create(edition="第4.0版", name="フロントヤード改革")
    qr = Item.objects.create(edition="第5.0版", name="eL-QR対応")
    plan = a_plan(old, nakai, "nakai-dx-2.0")
    old.get_model("plans", "RelatedPlan").objects.create(
        plan=plan, number=1, name="自治体DX推進計画", issuer="国", edition="第5.0版"
    )
    service = Area.objects.create(
        plan=plan,
        number=1,
        name="町民サービスの向上",
        main_initiatives="フロントヤード改革 等",
        national_alignment="フロントヤード改革、eL-QR対応 等",
    )
    divide = Area.objects.create(
        plan=plan,
        number=4,
        name="デジタルデバイド対策",
        main_initiatives="スマホ相談会 等",
        national_alignment="窓口DX",
        aliases="デジタルデバインド対策\nデジタルデバйд対策",
    )
    figure = dict(source=REVIEW_TABLE, fiscal_year=2025, total=2, achieved=1)
    figure |= dict(partially_achieved=0, not_achieved=0, undeterminable=1, rate="50.0")
    Figure.objects.create(plan=plan, area=divide, **figure)
    Figure.objects.create(plan=plan, area=None, **figure)
    theirs = a_plan(old, other, "dx-2.0")
    their_area = Area.objects.create(
        plan=theirs,
        number=1,
        name="デジタルデバイド対策",
        main_initiatives="相談会",
        national_alignment="eL-QR対応",
        aliases="デジタルデバインド対策",
    )
    Figure.objects.create(plan=theirs, area=their_area, **figure)

    new = migrate(AFTER)
    Area = new.get_model("plans", "PriorityArea")
    Figure = new.get_model("plans", "PublishedFigure")
    links = {
        a.pk: sorted(a.national_items.values_list("pk", flat=True)) for a in Area.objects.all()
    }
    # The plan aligns with 第5.0版: of the two フロントヤード改革, that edition's.
    assert links[service.pk] == sorted([front.pk, qr.pk])
    assert links[divide.pk] == []  # 窓口DX names no item of the national plan
    assert Area.objects.get(pk=divide.pk).national_alignment == "窓口DX"  # kept as written
    assert links[their_area.pk] == [qr.pk]  # every town's text is read alike
    assert Area.objects.get(pk=divide.pk).printed_name == "デジタルデバインド対策"
    assert Figure.objects.get(area_id=divide.pk).printed_area_name == "デジタルデバйд対策"
    assert Figure.objects.get(plan_id=plan.pk, area=None).note.startswith("アクションプランに")
    # 中井町's spellings are its own: another town's rows stay as they were.
    assert Area.objects.get(pk=their_area.pk).printed_name == ""
    assert Figure.objects.get(area_id=their_area.pk).printed_area_name == ""
    town = new.get_model("plans", "Town").objects.get(code="143618")
    assert (town.undeterminable_in_denominator, town.partial_weight, town.count_listings) == (
        None,
        None,
        None,
    )


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_migrates_with_nothing_to_link():
    migrate(BEFORE)
    new = migrate(AFTER)
    assert not new.get_model("plans", "PriorityArea").national_items.through.objects.exists()
