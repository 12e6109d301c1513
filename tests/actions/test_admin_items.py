"""An item edited in the Django admin keeps its 再掲区分 as the import keeps them."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import RequestFactory

from actions.models import ActionItem
from tests.factories import make_items, make_plan


@pytest.fixture
def item_form(db):
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.create_superuser("root", password="x-9281")
    model_admin = admin.site._registry[ActionItem]
    plan = make_plan()
    (item,) = make_items(plan, plan.areas.first(), 1)

    def form(relisted):
        data = {
            key: value
            for key, value in model_to_dict(item).items()
            if value is not None and key in model_admin.get_form(request, item).base_fields
        }
        data.update(relisted_areas=[area.pk for area in relisted])
        for name in ("wellbeing_directions", "national_items", "timeline_events"):
            data.setdefault(name, [])
        return model_admin.get_form(request, item)(data, instance=item)

    return plan, item, form


def test_an_item_relisted_in_another_area_of_its_plan_is_saved(item_form):
    plan, item, form = item_form
    other = plan.areas.exclude(pk=item.primary_area_id).get()
    edited = form([other])
    assert edited.is_valid(), edited.errors
    edited.save()
    assert list(item.relisted_areas.all()) == [other]


def test_an_item_is_not_relisted_in_its_own_area_nor_in_another_plans(item_form):
    _plan, item, form = item_form
    own = form([item.primary_area])
    assert not own.is_valid()
    assert own.errors["relisted_areas"] == ["再掲区分に、重点施策区分と同じ区分は指定できません。"]

    elsewhere = form([make_plan().areas.first()])
    assert not elsewhere.is_valid()
    assert elsewhere.errors["relisted_areas"] == [
        "再掲区分には、この取組の計画の区分を指定してください。"
    ]
    assert not item.relisted_areas.exists()
