"""Two towns on one deployment: each town's people sign in, see and change only their town.

中井町 (the test town) and 札幌市 each have a plan 「dx-1.0」, a section 「企画課」 and
staff; every check is made from one town's host against the other's objects.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from actions.accounts.signin import OTHER_TOWN
from actions.models import ActionItem, AuditEntry, StaffProfile, YearlyStatus
from plans.models import Plan, Section, Town, TownHost
from tests.actions.staff_users import ROLE_GROUPS, make_user
from tests.factories import make_items, make_plan
from tests.imports.conftest import run_import
from tests.imports.town_workbook import PLAN_1, SECTIONS, town_workbook

PASSWORD = "pass-for-tests-9281"
NAKAI, SAPPORO = "nakai.localhost", "sapporo.localhost"


def town_user(username, role, town, sections=()):
    user = make_user(username, role)
    profile, _ = StaffProfile.objects.update_or_create(user=user, defaults={"town": town})
    profile.sections.set(sections)
    return user


@pytest.fixture
def world(db, the_town, settings):
    settings.ALLOWED_HOSTS = [".localhost", "testserver"]
    TownHost.objects.create(town=the_town, host=NAKAI)
    sapporo = Town.objects.create(code="011002", name="札幌市", prefecture="北海道")
    TownHost.objects.create(town=sapporo, host=SAPPORO)
    world = {"nakai": the_town, "sapporo": sapporo}
    for key, town in world.copy().items():
        plan = make_plan(slug="dx-1.0", name=f"{town.name}の計画", town=town)
        section = Section.objects.create(town=town, name="企画課")
        [item] = make_items(plan, plan.areas.first(), 1, section=section)
        world[f"{key}_plan"], world[f"{key}_section"], world[f"{key}_item"] = plan, section, item
        for role in ROLE_GROUPS:
            world[f"{key}_{role}"] = town_user(f"{key}-{role}", role, town, [section])
    return world


def test_an_account_signs_in_on_its_own_towns_site_only(client, world):
    refused = client.post(
        reverse("login"),
        {"username": "sapporo-staff", "password": PASSWORD},
        HTTP_HOST=NAKAI,
    )
    assert refused.status_code == 200
    assert OTHER_TOWN in refused.content.decode()
    assert "_auth_user_id" not in client.session
    accepted = client.post(
        reverse("login"), {"username": "sapporo-staff", "password": PASSWORD}, HTTP_HOST=SAPPORO
    )
    assert accepted.status_code == 302


@pytest.mark.parametrize("role", list(ROLE_GROUPS))
def test_a_session_of_one_town_is_a_reader_without_a_session_on_the_other(client, world, role):
    client.force_login(world[f"sapporo_{role}"])
    own = client.get(reverse("actions:my_items"), HTTP_HOST=SAPPORO)
    assert own.status_code == 200
    other = client.get(reverse("actions:my_items"), HTTP_HOST=NAKAI)
    assert other.status_code == 302 and reverse("login") in other["Location"]


@pytest.mark.parametrize("role", ["staff", "section_head", "admin"])
def test_nobody_records_the_other_towns_item_by_its_slug_and_code(client, world, role):
    client.force_login(world[f"sapporo_{role}"])
    item = world["nakai_item"]
    url = reverse("actions:edit_status", args=["dx-1.0", 2026, item.code])
    # On its own host the slug names its own plan; on the other town's host it is no one.
    client.post(url, {"status": "achieved", "comment": "x"}, HTTP_HOST=SAPPORO)
    client.post(url, {"status": "achieved", "comment": "x"}, HTTP_HOST=NAKAI)
    assert not YearlyStatus.objects.filter(item=item).exists()


def test_a_town_admin_sees_only_its_towns_rows_in_the_admin(client, world):
    admin = world["sapporo_admin"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    listing = client.get("/admin/plans/plan/", HTTP_HOST=SAPPORO).content.decode()
    assert "札幌市の計画" in listing and "中井町の計画" not in listing
    other = client.get(f"/admin/plans/plan/{world['nakai_plan'].pk}/change/", HTTP_HOST=SAPPORO)
    assert other.status_code == 302  # 「存在しません」: not the other town's page
    sections = client.get("/admin/plans/section/", HTTP_HOST=SAPPORO).content.decode()
    assert sections.count("企画課") >= 1
    users = client.get("/admin/auth/user/", HTTP_HOST=SAPPORO).content.decode()
    assert "sapporo-staff" in users and "nakai-staff" not in users
    history = client.get("/admin/actions/auditentry/", HTTP_HOST=SAPPORO)
    assert history.status_code == 200


def test_the_history_page_lists_only_the_towns_entries(client, world):
    for key in ("nakai", "sapporo"):
        AuditEntry.objects.create(
            action="テスト", object_repr=f"{key}の記録", plan=world[f"{key}_plan"]
        )
    client.force_login(world["sapporo_manager"])
    page = client.get(reverse("actions:audit_log"), HTTP_HOST=SAPPORO).content.decode()
    assert "sapporoの記録" in page and "nakaiの記録" not in page


def test_an_import_writes_only_the_importing_towns_rows(world):
    sapporo = world["sapporo"]
    nakai_sections = set(Section.objects.filter(town=world["nakai"]).values_list("pk", flat=True))
    job = run_import(town_workbook(), user=world["sapporo_admin"], town=sapporo)
    assert job.errors == []
    plan = Plan.objects.get(slug=PLAN_1)
    assert plan.town == sapporo
    assert set(Section.objects.filter(name__in=SECTIONS).values_list("town", flat=True)) == {
        sapporo.pk
    }
    assert set(Section.objects.filter(town=world["nakai"]).values_list("pk", flat=True)) == (
        nakai_sections
    )
    new_accounts = StaffProfile.objects.filter(user__username="tanaka.h")
    assert new_accounts.get().town == sapporo
    assert ActionItem.objects.filter(plan__town=world["nakai"]).count() == 1


def test_an_import_refuses_a_user_name_of_the_other_town(world):
    get_user_model().objects.filter(username="nakai-staff").update(username="tanaka.h")
    job = run_import(town_workbook(), user=world["sapporo_admin"], town=world["sapporo"])
    assert any("ほかの団体" in error.message for error in job.errors)
    assert not Plan.objects.filter(slug=PLAN_1).exists()


def publish(world, key, status="achieved"):
    from actions.services import lock_year, publish_year

    YearlyStatus.objects.create(item=world[f"{key}_item"], fiscal_year=2026, status=status)
    lock_year(world[f"{key}_plan"], 2026, reason="テスト", user=world[f"{key}_manager"])
    publish_year(world[f"{key}_plan"], 2026, user=world[f"{key}_manager"])


def test_a_towns_open_data_holds_only_its_rows(client, world):
    for key in ("nakai", "sapporo"):
        publish(world, key)
    body = client.get("/opendata/achievement.csv", HTTP_HOST=SAPPORO).content.decode("utf-8-sig")
    assert "札幌市の計画" in body and "中井町の計画" not in body


def test_the_comparison_shows_published_years_only_on_any_host(client, world):
    publish(world, "sapporo", status="not_achieved")
    # 中井町 has a rated year that is not published: it must not show.
    YearlyStatus.objects.create(item=world["nakai_item"], fiscal_year=2026, status="achieved")
    page = client.get("/towns/", HTTP_HOST="elsewhere.localhost")
    assert page.status_code == 200
    body = page.content.decode()
    assert "北海道 札幌市" in body and "0.0%" in body and "1／1" in body
    assert "神奈川県 中井町" in body and "公表済みの年度はまだありません" in body
    assert "100.0%" not in body
    rows = client.get("/towns/achievement.csv").content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("全国地方公共団体コード,団体名,都道府県,計画ID")
    # One row per area of 札幌市's published year (two areas); none of 中井町's draft.
    assert [row.split(",")[0] for row in rows[1:]] == ["011002", "011002"]


def test_the_timeline_lists_and_filters_by_the_towns_own_areas_only(client, world):
    import datetime

    from plans.models import PriorityArea, TimelineEvent

    nakai_area = world["nakai_plan"].areas.first()
    nakai_area.name = "中井町だけの区分"
    nakai_area.save()
    for key in ("nakai", "sapporo"):
        event = TimelineEvent.objects.create(
            town=world[key],
            occurred_on=datetime.date(2025, 4, 1),
            summary=f"{world[key].name}の取組",
        )
        event.areas.add(world[f"{key}_plan"].areas.first())
    assert not PriorityArea.objects.for_town(world["sapporo"]).filter(name="中井町だけの区分")

    page = client.get("/timeline/", HTTP_HOST=SAPPORO)
    body = page.content.decode()
    assert "札幌市の取組" in body and "中井町の取組" not in body
    assert "中井町だけの区分" not in body
    assert "中井町だけの区分" not in page.context["area_names"]
    # 中井町's area is no filter on 札幌市's site: a 404 that names it, not an empty list.
    other = client.get("/timeline/", {"area": "中井町だけの区分"}, HTTP_HOST=SAPPORO)
    assert other.status_code == 404
    own = client.get("/timeline/", {"area": "中井町だけの区分"}, HTTP_HOST=NAKAI)
    assert own.status_code == 200 and "中井町の取組" in own.content.decode()
