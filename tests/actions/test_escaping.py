"""Text users type is escaped in every workflow page and neutralised in the CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from actions import services
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

SCRIPT = "</script><script>alert(1)</script>"
FORMULA = '=HYPERLINK("x")'
YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section(SCRIPT)
    script_item, formula_item = make_items(plan, plan.areas.first(), 2, section=section)
    script_item.title = SCRIPT
    script_item.save(update_fields=["title"])
    formula_item.title = FORMULA
    formula_item.save(update_fields=["title"])
    admin = make_user("admin", "admin")
    services.record_status(
        script_item, YEAR, status="not_achieved", comment=SCRIPT, evidence=FORMULA, user=admin
    )
    services.record_status(
        formula_item, YEAR, status="undeterminable", comment=FORMULA, evidence=SCRIPT, user=admin
    )
    services.lock_year(plan, 2024, reason=FORMULA, user=admin)
    services.unlock_year(plan, 2024, reason=FORMULA, user=admin)
    return {"plan": plan, "items": (script_item, formula_item), "admin": admin}


def _pages(world):
    script_item = world["items"][0]
    plan = world["plan"]
    return [
        reverse("actions:my_items") + f"?plan={plan.slug}&year={YEAR}",
        reverse("actions:edit_status", args=[plan.slug, YEAR, script_item.code_key]),
        reverse("actions:audit_log"),
        script_item.get_absolute_url(),
    ]


@pytest.mark.parametrize("page", range(4))
def test_scripts_typed_by_users_are_escaped(client, world, page):
    client.force_login(world["admin"])
    response = client.get(_pages(world)[page])
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_formulas_are_neutralised_in_the_csv(client, world):
    client.force_login(world["admin"])
    response = client.get(reverse("actions:audit_log_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'" + FORMULA in cells
    assert any(SCRIPT in cell for cell in cells)
