import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_suite_runs_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/plans/no-such-plan/",
        "/plans/nakai-dx-1.0/areas/99/",
        "/opendata/achievement.json?plan=x&year=2025",
    ],
)
def test_404_pages_are_in_japanese(client, town_data, url):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ja">' in html
    assert "<h1>ページが見つかりません</h1>" in html
    assert "Not Found" not in html


def test_a_framework_message_in_english_is_not_shown(client, town_data):
    html = client.get("/no-such-page/").content.decode()
    assert "Resolver404" not in html
    assert "callout" not in html.split("<h1>")[1]
