"""A database from before towns carries over: every row goes to the one town, nothing is lost."""

import datetime

import pytest

from tests.migrating import back_to_the_latest, migrate  # noqa: F401 (an autouse fixture)

BEFORE = [("plans", "0004_data_version"), ("actions", "0014_item_by_area_code")]
AFTER = [("plans", "0005_towns"), ("actions", "0015_towns")]


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_moves_to_one_town_with_its_history():
    old = migrate(BEFORE)
    Plan = old.get_model("plans", "Plan")
    Section = old.get_model("plans", "Section")
    Area = old.get_model("plans", "PriorityArea")
    Item = old.get_model("actions", "ActionItem")
    Status = old.get_model("actions", "YearlyStatus")
    Audit = old.get_model("actions", "AuditEntry")
    User = old.get_model("auth", "User")
    Profile = old.get_model("actions", "StaffProfile")
    Direction = old.get_model("plans", "WellBeingDirection")

    plan = Plan.objects.create(
        slug="nakai-dx-1.0",
        name="DX推進計画",
        version="1.0",
        published_on=datetime.date(2023, 8, 1),
        period_start=datetime.date(2023, 8, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    section = Section.objects.create(name="企画課")
    area = Area.objects.create(plan=plan, number=1, name="町民サービスの向上")
    item = Item.objects.create(
        plan=plan, code="1", code_key="1", sort_key="1", title="取組", primary_area=area
    )
    Status.objects.create(item=item, fiscal_year=2025, status="achieved", state="approved")
    user = User.objects.create(username="tanaka")
    Profile.objects.create(user=user).sections.add(section)
    Direction.objects.create(number=1, name="よく暮らす")
    Audit.objects.create(action="達成状況の記録", object_repr="取組", item=item, plan=plan)
    Audit.objects.create(action="担当課の追加", object_repr="企画課", section=section)
    Audit.objects.create(action="その他", object_repr="—")

    new = migrate(AFTER)
    Town = new.get_model("plans", "Town")
    town = Town.objects.get()
    assert (town.code, town.name) == ("143618", "中井町")
    for app, model in [
        ("plans", "Plan"),
        ("plans", "Section"),
        ("plans", "WellBeingDirection"),
        ("actions", "StaffProfile"),
        ("actions", "AuditEntry"),
    ]:
        rows = new.get_model(app, model).objects.all()
        assert rows.exists()
        assert set(rows.values_list("town_id", flat=True)) == {town.pk}, model
    assert new.get_model("actions", "YearlyStatus").objects.get().status == "achieved"
    assert new.get_model("actions", "AuditEntry").objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_gets_no_town():
    migrate(BEFORE)
    new = migrate(AFTER)
    assert not new.get_model("plans", "Town").objects.exists()
