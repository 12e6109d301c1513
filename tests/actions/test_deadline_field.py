"""The deadline field says 和暦 may be typed, and reads it: 令和/R/西暦 text, full-width too."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import EvaluationYear
from plans import wareki
from tests.actions.staff_users import make_user
from tests.factories import make_plan

YEAR = 2026


@pytest.fixture
def world(db):
    return {"plan": make_plan(), "manager": make_user("honbu", "manager")}


def _deadline_in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _as_r(date):
    """date(2027, 5, 31) -> 「R9.5.31」."""
    return f"R{date.year - 2018}.{date.month}.{date.day}"


@pytest.mark.parametrize(
    "written",
    [
        wareki.date_label,  # 令和9年5月31日
        _as_r,  # R9.5.31
        lambda d: d.isoformat(),  # 2027-05-31
        lambda d: f"{d.year}/{d.month}/{d.day}",
        lambda d: wareki.date_label(d).translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        ),
    ],
)
def test_the_round_opens_with_a_deadline_typed_as_the_town_writes_it(client, world, written):
    deadline = _deadline_in(30)
    client.force_login(world["manager"])
    url = reverse("actions:open_round", args=[world["plan"].slug, YEAR])
    response = client.post(url, {"deadline": written(deadline)}, follow=True)
    assert response.status_code == 200
    assert EvaluationYear.objects.get(plan=world["plan"], fiscal_year=YEAR).deadline == deadline


def test_the_field_is_text_so_the_browser_keeps_what_is_typed(client, world):
    client.force_login(world["manager"])
    board = reverse("actions:progress") + f"?plan={world['plan'].slug}&year={YEAR}"
    html = client.get(board).text
    assert '<input type="text" name="deadline" id="id_deadline"' in html
    assert 'type="date"' not in html
    deadline = _deadline_in(20)
    url = reverse("actions:open_round", args=[world["plan"].slug, YEAR])
    client.post(url, {"deadline": wareki.date_label(deadline)})
    html = client.get(board).text
    # The change form starts from the deadline written in 和暦, which it reads back unchanged.
    assert f'id="id_new_deadline" value="{wareki.date_label(deadline)}"' in html


def test_an_unreadable_deadline_says_how_to_write_it_and_changes_nothing(client, world):
    client.force_login(world["manager"])
    url = reverse("actions:open_round", args=[world["plan"].slug, YEAR])
    response = client.post(url, {"deadline": "来月末"}, follow=True)
    assert any("締切日が読めません" in str(m) for m in response.context["messages"])
    assert not EvaluationYear.objects.filter(plan=world["plan"], fiscal_year=YEAR).exists()
