"""Two towns on one deployment: each town's people sign in, see and change only their town.

中井町 (the test town) and 札幌市 each have a plan 「dx-1.0」, a section 「企画課」 and
staff; every check is made from one town's host against the other's objects.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from actions.accounts.signin import OTHER_TOWN
from actions.models import ActionItem, AuditEntry, ImportJob, StaffProfile, YearlyStatus
from plans.models import Plan, PriorityArea, Section, Town, TownHost
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


def test_the_history_filters_offer_and_accept_only_the_towns_own_rows(client, world):
    section = Section.objects.create(town=world["sapporo"], name="札幌だけの課")
    for key in ("nakai", "sapporo"):
        AuditEntry.objects.create(
            town=world[key],
            user=world[f"{key}_manager"],
            item=world[f"{key}_item"],
            section=section if key == "sapporo" else world["nakai_section"],
            action="テスト",
            object_repr=f"{key}の記録",
        )
    client.force_login(world["nakai_manager"])
    url = reverse("actions:audit_log")
    page = client.get(url, HTTP_HOST=NAKAI)
    form = page.context["form"]
    assert set(form.fields["user"].queryset) == {world[f"nakai_{role}"] for role in ROLE_GROUPS}
    assert list(form.fields["item"].queryset) == [world["nakai_item"]]
    assert list(form.fields["section"].queryset) == [world["nakai_section"]]
    assert "札幌" not in page.content.decode() and "sapporo-" not in page.content.decode()
    own = client.get(url, {"user": world["nakai_manager"].pk}, HTTP_HOST=NAKAI)
    assert "nakaiの記録" in own.content.decode()
    refusals = {
        "user": (world["sapporo_manager"].pk, "この利用者は選べません。"),
        "item": (world["sapporo_item"].pk, "この取組は選べません。"),
        "section": (section.pk, "この担当課は選べません。"),
    }
    for field, (pk, message) in refusals.items():
        for path in (url, reverse("actions:audit_log_csv")):
            response = client.get(path, {field: pk}, HTTP_HOST=NAKAI)
            assert response.status_code == 200
            body = response.content.decode("utf-8-sig")
            assert "sapporoの記録" not in body and "札幌" not in body, (field, path)
        assert message in client.get(url, {field: pk}, HTTP_HOST=NAKAI).content.decode()


def test_a_superuser_history_filter_offers_the_operator_on_each_towns_page(client, world):
    operator = get_user_model().objects.create_superuser("operator", password=PASSWORD)
    client.force_login(world["sapporo_manager"])
    form = client.get(reverse("actions:audit_log"), HTTP_HOST=SAPPORO).context["form"]
    assert operator in form.fields["user"].queryset
    assert world["nakai_manager"] not in form.fields["user"].queryset


@pytest.fixture
def nakai_admin(client, world):
    user = world["nakai_admin"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_a_town_admin_opens_and_saves_only_its_own_town_row(nakai_admin, world):
    nakai, sapporo = world["nakai"], world["sapporo"]
    listing = nakai_admin.get("/admin/plans/town/", HTTP_HOST=NAKAI)
    assert listing.status_code == 200
    assert "中井町" in listing.content.decode() and "札幌市" not in listing.content.decode()
    own = nakai_admin.get(f"/admin/plans/town/{nakai.pk}/change/", HTTP_HOST=NAKAI)
    assert own.status_code == 200
    history = nakai_admin.get(f"/admin/plans/town/{nakai.pk}/history/", HTTP_HOST=NAKAI)
    assert history.status_code == 200
    for page in ("change", "history", "delete"):
        other = nakai_admin.get(f"/admin/plans/town/{sapporo.pk}/{page}/", HTTP_HOST=NAKAI)
        assert other.status_code in (302, 403, 404), page


def test_the_admins_related_list_filters_offer_only_the_towns_rows(nakai_admin, client, world):
    nakai_section = Section.objects.create(town=world["nakai"], name="中井だけの課")
    Section.objects.create(town=world["sapporo"], name="札幌だけの課")
    second = make_plan(slug="nakai-2", name="中井町の第二計画", town=world["nakai"])
    make_plan(slug="sapporo-2", name="札幌市の第二計画", town=world["sapporo"])
    page = nakai_admin.get("/admin/actions/actionitem/", HTTP_HOST=NAKAI)
    assert page.status_code == 200
    choices = {
        spec.field_path: sorted(pk for pk, _label in spec.lookup_choices)
        for spec in page.context["cl"].filter_specs
        if hasattr(spec, "lookup_choices") and spec.field.is_relation
    }
    nakai_areas = PriorityArea.objects.for_town(world["nakai"])
    assert choices == {
        "plan": sorted([world["nakai_plan"].pk, second.pk]),
        "primary_area": sorted(nakai_areas.values_list("pk", flat=True)),
        "section": sorted([world["nakai_section"].pk, nakai_section.pk]),
    }
    assert "札幌" not in page.content.decode()
    # A lookup of the other town's plan finds none of its rows.
    other = nakai_admin.get(
        "/admin/actions/actionitem/", {"plan__id__exact": world["sapporo_plan"].pk}, HTTP_HOST=NAKAI
    )
    assert "札幌" not in other.content.decode() and list(other.context["cl"].result_list) == []
    # The deployment operator sees every town's rows in the filters.
    operator = get_user_model().objects.create_superuser("operator", password=PASSWORD)
    client.force_login(operator)
    every = client.get("/admin/actions/actionitem/", HTTP_HOST=NAKAI).content.decode()
    assert "札幌市の計画" in every and "中井町の計画" in every


def test_a_town_admin_chooses_every_role_once_for_an_account(nakai_admin, world):
    from django.contrib.auth.models import Group

    Group.objects.create(name="閲覧者")  # a role no account holds yet
    page = nakai_admin.get(f"/admin/auth/user/{world['nakai_staff'].pk}/change/", HTTP_HOST=NAKAI)
    assert page.status_code == 200
    groups = list(page.context["adminform"].form.fields["groups"].queryset)
    assert sorted(g.name for g in groups) == sorted(Group.objects.values_list("name", flat=True))


def test_the_view_on_site_link_opens_only_the_towns_own_rows(nakai_admin, client, world):
    from django.contrib.contenttypes.models import ContentType

    plan_type = ContentType.objects.get_for_model(Plan).pk
    own = nakai_admin.get(f"/admin/r/{plan_type}/{world['nakai_plan'].pk}/", HTTP_HOST=NAKAI)
    assert own.status_code == 302
    assert own["Location"].endswith(world["nakai_plan"].get_absolute_url())
    other = nakai_admin.get(f"/admin/r/{plan_type}/{world['sapporo_plan'].pk}/", HTTP_HOST=NAKAI)
    assert other.status_code == 404
    for bad in (f"{plan_type}/x", "x/1", f"{plan_type}/999999"):
        assert nakai_admin.get(f"/admin/r/{bad}/", HTTP_HOST=NAKAI).status_code == 404
    # The operator opens every town's rows; a malformed id of a UUID key is a 404.
    operator = get_user_model().objects.create_superuser("operator", password=PASSWORD)
    client.force_login(operator)
    theirs = client.get(f"/admin/r/{plan_type}/{world['sapporo_plan'].pk}/", HTTP_HOST=NAKAI)
    assert theirs.status_code == 302
    assert theirs["Location"].endswith(world["sapporo_plan"].get_absolute_url())
    job_type = ContentType.objects.get_for_model(ImportJob).pk
    assert client.get(f"/admin/r/{job_type}/not-a-uuid/", HTTP_HOST=NAKAI).status_code == 404


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
