"""The admin edits the plan's words in English and やさしい日本語 in one collapsed fieldset."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from actions.models import ActionItem, Kpi
from plans.models import Plan, PriorityArea, TimelineEvent, WellBeingDirection

pytestmark = pytest.mark.django_db

FIELDSET = "翻訳（英語・やさしい日本語）"
PAGES = [
    ("/admin/plans/plan/2/change/", ["name"]),
    ("/admin/plans/priorityarea/11/change/", ["name", "main_initiatives"]),
    ("/admin/plans/wellbeingdirection/1/change/", ["name"]),
    ("/admin/plans/timelineevent/1/change/", ["summary"]),
    ("/admin/actions/actionitem/1/change/", ["title"]),
    ("/admin/actions/kpi/1/change/", ["name", "unit"]),
]


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", password="x-9281")


def collapsed_fieldset(html):
    """The HTML of the translations fieldset, which opens from a <details> summary."""
    match = re.search(
        r'<fieldset class="[^"]*\bcollapse\b[^"]*"[^>]*>\s*<details><summary>\s*'
        rf"<h2[^>]*>{FIELDSET}</h2>(.*?)</fieldset>",
        html,
        re.S,
    )
    assert match, "no collapsed translations fieldset"
    return match.group(1)


@pytest.mark.parametrize(("url", "fields"), PAGES)
def test_the_change_page_has_the_translations_collapsed_at_the_end(
    client, town_data, root, url, fields
):
    client.force_login(root)
    html = client.get(url).content.decode()
    inside = collapsed_fieldset(html)
    for field in fields:
        for name in (f"{field}_en", f"{field}_easy"):
            assert f'name="{name}"' in inside
            assert html.count(f'name="{name}"') == 1  # not in the main fieldset as well


def test_the_labels_say_the_language_in_japanese(client, town_data, root):
    client.force_login(root)
    inside = collapsed_fieldset(client.get("/admin/actions/actionitem/1/change/").content.decode())
    assert "取組名（英語）" in inside and "取組名（やさしい日本語）" in inside
    assert "空欄のときは日本語のまま表示します。" in inside


def test_the_basic_policies_inline_has_the_fieldset_per_policy(client, town_data, root):
    client.force_login(root)
    html = client.get("/admin/plans/plan/2/change/").content.decode()
    assert 'name="policies-0-name_en"' in html and 'name="policies-4-name_easy"' in html
    assert html.count(f">{FIELDSET}</h2>") == 1  # the plan's own
    assert html.count(f">{FIELDSET}</h4>") >= 5  # one per policy (and the empty form's)


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Plan, ["name"]),
        (PriorityArea, ["name", "main_initiatives"]),
        (WellBeingDirection, ["name"]),
        (TimelineEvent, ["summary"]),
        (ActionItem, ["title"]),
        (Kpi, ["name", "unit"]),
    ],
)
def test_the_other_fields_stay_in_the_first_fieldset(root, model, fields):
    request = RequestFactory().get("/")
    request.user, request.town = root, None
    fieldsets = admin.site._registry[model].get_fieldsets(request)
    (first_title, first), (title, last) = fieldsets[0], fieldsets[-1]
    names = [f"{field}{suffix}" for field in fields for suffix in ("_en", "_easy")]
    assert title == FIELDSET and last["classes"] == ["collapse"] and last["fields"] == names
    assert first_title is None and not set(names) & set(first["fields"])
    assert set(fields) <= set(first["fields"])


def test_a_translation_saved_in_the_admin_is_stored(client, town_data, root):
    client.force_login(root)
    url = "/admin/plans/timelineevent/1/change/"
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    data.update(summary_en="Public Wi-Fi spots opened", summary_easy="Wi-Fiを おいた")
    response = client.post(url, data)
    assert response.status_code == 302
    event = TimelineEvent.objects.get(pk=1)
    assert (event.summary_en, event.summary_easy) == ("Public Wi-Fi spots opened", "Wi-Fiを おいた")
    assert event.summary.startswith("公衆Wi-Fiスポット")
