"""The `{% item_workflow item %}` tag on the public item page: years, edit links, history."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from actions import services
from actions.models import EvaluationYear
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section()
    (item,) = make_items(plan, plan.areas.first(), 1, section=section)
    staff = make_user("staff", "staff", [section])
    services.record_status(
        item, 2025, status="not_achieved", comment="予算不足", evidence="内部の根拠メモ", user=staff
    )
    services.record_status(item, 2025, status="achieved", user=staff, expected_version=1)
    EvaluationYear.objects.update_or_create(
        plan=plan, fiscal_year=2025, defaults={"is_locked": True}
    )[0]
    return {"plan": plan, "item": item, "staff": staff}


def _render(item, user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load workflow %}{% item_workflow item %}").render(
        Context({"item": item, "request": request})
    )


def test_the_public_sees_nothing_and_costs_no_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = _render(world["item"], AnonymousUser())
    assert "変更履歴" not in html and "内部の根拠メモ" not in html


def test_staff_see_each_year_with_edit_links_for_open_years_only(world):
    html = _render(world["item"], world["staff"])
    item = world["item"]
    assert reverse("actions:edit_status", args=[item.plan.slug, 2026, item.code_key]) in html
    assert reverse("actions:edit_status", args=[item.plan.slug, 2025, item.code_key]) not in html
    assert "確定済みのため変更不可" in html


def test_the_history_says_who_and_old_to_new(world):
    html = _render(world["item"], world["staff"])
    assert "達成状況：未達成 → 達成" in html
    assert "達成状況：未評価 → 未達成" in html
    assert "根拠・内部メモ：内部の根拠メモ → （なし）" in html
    assert html.count("staff：達成状況の記録") == 2


def test_history_times_are_valid_html_dates_without_microseconds(world):
    html = _render(world["item"], world["staff"])
    stamps = re.findall(r'<time datetime="([^"]+)">', html)
    assert len(stamps) == 2
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", stamp), stamp


def test_managers_see_the_history_without_edit_links(world):
    html = _render(world["item"], make_user("manager", "manager"))
    assert "変更履歴" in html
    assert "/staff/items/" not in html


def test_the_tag_query_count_is_pinned(world, django_assert_num_queries):
    staff = world["staff"]
    _render(world["item"], staff)  # role and sections are cached on the user
    with django_assert_num_queries(3):
        _render(world["item"], staff)


def test_the_item_page_renders_it_for_signed_in_staff(client, world):
    client.force_login(world["staff"])
    response = client.get(world["item"].get_absolute_url())
    assert response.status_code == 200
    assert "年度別の評価（職員向け）" in response.text
    client.logout()
    response = client.get(world["item"].get_absolute_url())
    assert "年度別の評価（職員向け）" not in response.text
