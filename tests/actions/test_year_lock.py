"""Year lock (確定) and publication (公表): managers lock and publish, admins unlock with a reason."""

import pytest
from django.urls import reverse

from actions import services
from actions.models import ActionItem, AuditEntry, EvaluationYear, YearlyStatus
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section()
    (item,) = make_items(plan, plan.areas.first(), 1, section=section)
    return {
        "plan": plan,
        "item": item,
        "staff": make_user("staff", "staff", [section]),
        "manager": make_user("manager", "manager"),
        "admin": make_user("admin", "admin"),
    }


def _url(name, plan, year=YEAR):
    return reverse(f"actions:{name}", args=[plan.slug, year])


def _state(plan, year=YEAR):
    evaluation = EvaluationYear.objects.filter(plan=plan, fiscal_year=year).first()
    return (evaluation.is_locked, evaluation.is_published) if evaluation else (False, False)


def _lock_form(plan, year=YEAR, **extra):
    gaps = ActionItem.objects.for_plan(plan).year_gaps(year)
    return {
        "confirm": "on",
        "seen_items": gaps.total,
        "seen_not_approved": gaps.not_approved,
        "seen_not_evaluated": gaps.not_evaluated,
        **extra,
    }


def test_a_manager_locks_a_year_and_staff_can_no_longer_change_it(client, world):
    plan, item = world["plan"], world["item"]
    client.force_login(world["manager"])
    form = _lock_form(plan, reason="未評価の1件は次年度に評価する")
    response = client.post(_url("lock_year", plan), form, follow=True)
    assert "評価を確定しました" in response.text
    assert _state(plan) == (True, False)
    entry = AuditEntry.objects.get(action="年度評価の確定")
    assert (entry.user, entry.fiscal_year, entry.reason, entry.after) == (
        world["manager"],
        YEAR,
        "未評価の1件は次年度に評価する",
        {
            "is_locked": True,
            "is_published": False,
            "items": 1,
            "not_approved": 1,
            "not_evaluated": 1,
        },
    )

    client.force_login(world["staff"])
    edit = reverse("actions:edit_status", args=[plan.slug, YEAR, item.code_key])
    response = client.post(edit, {"status": "achieved", "version": "0"})
    assert "確定済みのため変更できません" in response.text
    assert not YearlyStatus.objects.exists()


def test_the_service_refuses_a_locked_year_for_imports_too(world):
    services.lock_year(world["plan"], YEAR, reason="試験", user=world["manager"])
    with pytest.raises(services.YearLockedError):
        services.record_status(world["item"], YEAR, status="achieved", source="import")


def test_an_admin_unlocks_with_a_recorded_reason(client, world):
    plan = world["plan"]
    services.lock_year(plan, YEAR, reason="試験", user=world["manager"])
    client.force_login(world["admin"])
    response = client.post(_url("unlock_year", plan), {"reason": "  "}, follow=True)
    assert "確定を解除する理由を入力してください" in response.text
    assert _state(plan) == (True, False)
    client.post(_url("unlock_year", plan), {"reason": "担当課からの訂正依頼"})
    assert _state(plan) == (False, False)
    entry = AuditEntry.objects.get(action="年度評価の確定解除")
    assert (entry.user, entry.reason) == (world["admin"], "担当課からの訂正依頼")


def test_a_blank_unlock_reason_is_shown_at_the_field_with_the_form_open(client, world):
    plan = world["plan"]
    services.lock_year(plan, YEAR, reason="未評価のまま確定", user=world["manager"])
    client.force_login(world["admin"])
    response = client.post(_url("unlock_year", plan), {"reason": " "})
    assert response.status_code == 400
    html = response.text
    field = f"reason-{plan.pk}-{YEAR}"
    assert '<details class="unlock" open>' in html
    assert (
        f'<p class="field-error" id="{field}-error">確定を解除する理由を入力してください。</p>'
        in html
    )
    assert f'aria-invalid="true" aria-describedby="{field}-error" autofocus' in html
    assert html.count('<details class="unlock" open>') == 1
    assert _state(plan) == (True, False)


def test_publishing_needs_a_locked_year(client, world):
    plan = world["plan"]
    client.force_login(world["manager"])
    response = client.get(_url("publish_year", plan))
    assert "まだ確定していません" in response.text
    response = client.post(_url("publish_year", plan), {"confirm": "on"})
    assert "公表する前に、その年度の評価を確定してください" in response.text
    assert _state(plan) == (False, False)
    client.post(_url("lock_year", plan), _lock_form(plan, reason="試験"))
    client.post(_url("publish_year", plan), {"confirm": "on", "reason": "試験"})
    assert _state(plan) == (True, True)
    evaluation = EvaluationYear.objects.get(plan=plan, fiscal_year=YEAR)
    assert evaluation.published_by == world["manager"]


def test_a_published_year_cannot_be_unlocked_before_withdrawing_it(client, world):
    plan = world["plan"]
    services.lock_year(plan, YEAR, reason="試験")
    services.publish_year(plan, YEAR, reason="試験")
    client.force_login(world["admin"])
    response = client.post(_url("unlock_year", plan), {"reason": "訂正"}, follow=True)
    assert "公表中の年度は確定を解除できません" in response.text
    assert _state(plan) == (True, True)
    client.post(_url("unpublish_year", plan), {"reason": "数値の訂正"})
    client.post(_url("unlock_year", plan), {"reason": "訂正"})
    assert _state(plan) == (False, False)


def test_the_years_page_lists_every_plan_year_with_its_state(client, town_data):
    client.force_login(make_user("manager", "manager"))
    response = client.get(reverse("actions:years"))
    assert response.status_code == 200
    rows = {
        (block["plan"].slug, row["year"]): row
        for block in response.context["sections"]
        for row in block["rows"]
    }
    plan_1_2025 = rows[("nakai-dx-1.0", 2025)]
    assert plan_1_2025["evaluation"].is_locked and plan_1_2025["evaluation"].is_published
    assert plan_1_2025["recorded"] == 30
    assert rows[("nakai-dx-2.0", 2026)]["evaluation"] is None
    assert "令和7年度（2025年度）" in response.text
    assert "公表済み" in response.text
    # Managers do not get the admin's unlock form.
    assert "確定を解除する" not in response.text.split("<h1>")[1].split("</p>", 1)[1]


def test_the_years_page_query_count_is_pinned(client, town_data, django_assert_num_queries):
    client.force_login(make_user("manager", "manager"))
    # session, user, groups, plans, year states, recorded counts, item counts
    with django_assert_num_queries(8):
        client.get(reverse("actions:years"))


def test_the_database_refuses_a_published_year_that_is_not_locked(world):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from tests.factories import YEAR_STATES

    evaluation = EvaluationYear(plan=world["plan"], fiscal_year=YEAR, is_published=True)
    with pytest.raises(ValidationError, match="公表する年度は先に確定してください。"):
        evaluation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        evaluation.save()
    locked = EvaluationYear.objects.update_or_create(
        plan=world["plan"], fiscal_year=YEAR, defaults={"is_locked": True}
    )[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationYear.objects.filter(pk=locked.pk).update(is_locked=False, is_published=True)
    # The test helpers offer only the states the workflow reaches.
    assert {(s["is_locked"], s["is_published"]) for s in YEAR_STATES.values()} == {
        (False, False),
        (True, False),
        (True, True),
    }
