"""Towns as data: the code's check digit, adding a town, finding a request's town by host."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import AuditEntry
from plans.models import Town, TownHost, code_check_digit, validate_town_code
from tests.factories import make_plan


@pytest.mark.parametrize(
    ("code", "name"),
    [("143618", "中井町"), ("011002", "札幌市"), ("131016", "千代田区"), ("472158", "南城市")],
)
def test_real_codes_pass_the_check_digit(code, name):
    validate_town_code(code)
    assert code_check_digit(code[:5]) == int(code[5])


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("143617", "検査数字"),
        ("14361", "6桁"),
        ("１４３６１８", "半角"),
        ("14361x", "半角数字"),
    ],
)
def test_a_bad_code_is_refused_in_japanese(code, fragment):
    with pytest.raises(ValidationError) as refused:
        validate_town_code(code)
    assert fragment in " ".join(refused.value.messages)


def test_the_check_digit_of_remainders_zero_and_one():
    # Weighted sum ≡ 0 (mod 11): 11 − 0 = 11, last digit 1; ≡ 1: 11 − 1 = 10, last digit 0.
    assert code_check_digit("00000") == 1
    assert code_check_digit("20000") == 0  # 2 × 6 = 12 ≡ 1


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def test_add_town_adds_the_town_and_its_hosts_and_records_it(db):
    output = run(
        "add_town",
        "--code",
        "011002",
        "--name",
        "札幌市",
        "--prefecture",
        "北海道",
        "--host",
        "Sapporo.localhost",
    )
    town = Town.objects.get(code="011002")
    assert (town.name, town.prefecture) == ("札幌市", "北海道")
    assert list(town.hosts.values_list("host", flat=True)) == ["sapporo.localhost"]
    assert "札幌市" in output
    entry = AuditEntry.objects.get(action="団体の追加")
    assert entry.town == town


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--code", "011003"], "検査数字"),
        (["--code", "143618"], "全国地方公共団体コード"),  # the test town's own code
        (["--code", "011002", "--host", "a.localhost", "--host", "a.localhost"], "2回"),
    ],
)
def test_add_town_refuses_bad_input_in_japanese_and_adds_nothing(db, args, message):
    before = Town.objects.count()
    with pytest.raises(CommandError) as refused:
        run("add_town", "--name", "札幌市", "--prefecture", "北海道", *args)
    assert message in str(refused.value)
    assert Town.objects.count() == before


def test_add_town_refuses_a_host_another_town_has(db, the_town):
    TownHost.objects.create(town=the_town, host="nakai.localhost")
    with pytest.raises(CommandError, match="ホスト名"):
        run(
            "add_town",
            *("--code", "011002", "--name", "札幌市", "--prefecture", "北海道"),
            *("--host", "nakai.localhost"),
        )
    assert not Town.objects.filter(code="011002").exists()


# --- one deployment, many towns -------------------------------------------------------


@pytest.fixture
def two_towns(db, the_town, settings):
    settings.ALLOWED_HOSTS = [".localhost", "testserver"]
    TownHost.objects.create(town=the_town, host="nakai.localhost")
    other = Town.objects.create(code="011002", name="札幌市", prefecture="北海道")
    TownHost.objects.create(town=other, host="sapporo.localhost")
    mine = make_plan(slug="dx-1.0", name="中井の計画", town=the_town)
    theirs = make_plan(slug="dx-1.0", name="札幌の計画", town=other)
    return {"nakai": the_town, "sapporo": other, "nakai_plan": mine, "sapporo_plan": theirs}


def test_one_town_is_served_on_every_host(db, client, the_town, settings):
    settings.ALLOWED_HOSTS = [".localhost", "testserver"]
    make_plan(slug="dx-1.0", name="中井の計画")
    for host in ("testserver", "anything.localhost"):
        response = client.get("/plans/", HTTP_HOST=host)
        assert response.status_code == 200
        assert "中井の計画" in response.content.decode()
        assert "中井町DX推進計画 進捗ダッシュボード" in response.content.decode()


def test_each_host_shows_its_own_town_with_the_same_plan_slug(client, two_towns):
    nakai = client.get("/plans/dx-1.0/", HTTP_HOST="nakai.localhost").content.decode()
    sapporo = client.get("/plans/dx-1.0/", HTTP_HOST="sapporo.localhost").content.decode()
    assert "中井の計画" in nakai and "札幌の計画" not in nakai
    assert "札幌の計画" in sapporo and "中井の計画" not in sapporo
    assert "札幌市DX推進計画 進捗ダッシュボード" in sapporo
    assert "中井町" not in sapporo


def test_a_host_of_no_town_lists_the_towns(client, two_towns):
    response = client.get("/plans/", HTTP_HOST="unknown.localhost")
    assert response.status_code == 404
    body = response.content.decode()
    assert "//sapporo.localhost/" in body and "//nakai.localhost/" in body
    assert "中井の計画" not in body


def test_the_plan_list_and_open_data_of_a_town_hold_only_its_rows(client, two_towns):
    listing = client.get("/plans/", HTTP_HOST="sapporo.localhost").content.decode()
    assert "札幌の計画" in listing and "中井の計画" not in listing
    page = client.get("/opendata/", HTTP_HOST="sapporo.localhost").content.decode()
    assert "札幌市DX推進計画" in page and "中井町" not in page


def test_commands_take_the_town_by_code(two_towns):
    with pytest.raises(CommandError, match="--town"):
        run("achievement", "--plan", "dx-1.0", "--year", "2025")
    with pytest.raises(CommandError, match="999999"):
        run("achievement", "--town", "999999", "--plan", "dx-1.0", "--year", "2025")
    output = run("achievement", "--town", "011002", "--plan", "dx-1.0", "--year", "2025")
    assert "札幌の計画" in output


def test_a_models_town_is_found_through_its_own_relations_only():
    from django.contrib.auth.models import Group, Permission

    from actions.models import ActionItem, KpiActual
    from plans.models import NationalPlanItem
    from plans.towns import town_path

    assert town_path(Town) == "pk"
    assert town_path(ActionItem) == "plan__town"
    assert town_path(KpiActual) == "kpi__item__plan__town"
    # Shared rows: a reverse relation to the accounts (Group.user) names no town.
    assert town_path(Group) is None
    assert town_path(Permission) is None
    assert town_path(NationalPlanItem) is None
