"""Every download of the Django admin neutralises formula cells, in every format it offers."""

import csv
import io
from decimal import Decimal, InvalidOperation

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from actions import services
from actions.models import Kpi
from plans.models import Section, WorkingGroup
from reports.exporting import ADMIN_EXPORT_FORMATS, FORMULA_PREFIXES
from tests.factories import make_items, make_plan

pytestmark = pytest.mark.django_db

HOSTILE_TEXTS = [
    '=HYPERLINK("http://example.com","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]
EXPORTING = sorted(
    (
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    ),
)


@pytest.fixture
def hostile_world(db):
    root = get_user_model().objects.create_superuser("root", password="root-pass-x9")
    plan = make_plan(slug="p1", name=HOSTILE_TEXTS[0], areas=(HOSTILE_TEXTS[1], "区分B"))
    area = plan.areas.get(number=1)
    area.aliases = HOSTILE_TEXTS[3]
    area.save()
    section = Section.objects.create(name=HOSTILE_TEXTS[4], unit=HOSTILE_TEXTS[2])
    WorkingGroup.objects.create(number=1, name=HOSTILE_TEXTS[5])
    (item,) = make_items(plan, area, 1, section=section)
    item.title, item.description = HOSTILE_TEXTS[0], HOSTILE_TEXTS[2]
    item.save()
    services.record_status(
        item, 2025, status="not_achieved", comment=HOSTILE_TEXTS[3], evidence="", user=root
    )
    kpi = Kpi.objects.create(item=item, name=HOSTILE_TEXTS[1], unit=HOSTILE_TEXTS[5])
    services.record_kpi_actual(kpi, 2025, 5, user=root)
    return root


def _export(client, label, format_index):
    url = reverse(f"admin:{label.replace('.', '_')}_export")
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data.update({"format": str(format_index), "resource": "0"})
    data = {name: ("on" if value is True else value) for name, value in data.items()}
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    assert response.get("Content-Disposition", "").startswith("attachment")
    return response.content


def _is_number(text):
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _cells(content, format_class):
    name = format_class().get_title()
    if name == "xlsx":
        book = load_workbook(io.BytesIO(content))  # formulas stay formulas when loaded like this
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells), "a live formula in the xlsx"
        return [cell.value for cell in cells if isinstance(cell.value, str)]
    text = content.decode("utf-8-sig")
    delimiter = "\t" if name == "tsv" else ","
    return [
        value
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for value in row
    ]


def test_the_admin_offers_only_the_neutralised_formats():
    assert len(EXPORTING) >= 8
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ExportMixin):
            assert model_admin.get_export_formats() == ADMIN_EXPORT_FORMATS, model


@pytest.mark.parametrize("format_class", ADMIN_EXPORT_FORMATS, ids=lambda f: f().get_title())
@pytest.mark.parametrize("label", EXPORTING)
def test_every_admin_export_keeps_formula_text_inert(client, hostile_world, label, format_class):
    client.force_login(hostile_world)
    content = _export(client, label, ADMIN_EXPORT_FORMATS.index(format_class))
    cells = _cells(content, format_class)
    assert cells
    live = [v for v in cells if v.startswith(FORMULA_PREFIXES) and not _is_number(v)]
    assert not live, live
    if label in ("actions.actionitem", "plans.plan"):
        assert "'" + HOSTILE_TEXTS[0] in cells


def test_a_filter_the_list_would_refuse_is_a_message_not_an_error(client, hostile_world):
    client.force_login(hostile_world)
    response = client.get(reverse("admin:actions_actionitem_export") + "?plan=abc")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:actions_actionitem_changelist")
    page = client.get(response["Location"]).content.decode()
    assert "絞り込みの条件が正しくない" in page
