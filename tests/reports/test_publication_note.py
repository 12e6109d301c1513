"""Publishing a year with unrated items needs a written reason, kept on the year, audited and
shown to the public beside the figures (「評価済み 3／11：理由 …」) and in the JSON; the trend
chart draws a provisional year as a point of its own, never joined to the final years.

Plan 2.0 令和8年度 with 3 of its 11 items rated (tests.reports.test_coverage.partly_rated).
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions import services
from actions.models import ActionItem, AuditEntry, EvaluationYear, Status, YearlyStatus
from plans.versions import data_changed
from reports import charts
from reports.achievement import compute_achievements
from tests.actions.staff_users import make_user
from tests.reports.test_coverage import PLAN, YEAR, partly_rated  # noqa: F401  (the fixture)

REASON = "9件は事業の開始が令和10年度のため、評価済みの取組で中間報告として公表する"
pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(partly_rated):  # noqa: F811
    services.lock_year(partly_rated, YEAR, reason="未評価のまま確定")
    return partly_rated


def _publish_url():
    return reverse("actions:publish_year", args=[PLAN, YEAR])


def _evaluation(plan):
    return EvaluationYear.objects.get(plan=plan, fiscal_year=YEAR)


def test_the_service_refuses_a_year_with_unrated_items_without_a_reason(locked):
    with pytest.raises(ValidationError, match="未評価の取組が 8件あります（評価済み 3／11）"):
        services.publish_year(locked, YEAR, reason="  ")
    assert not _evaluation(locked).is_published
    assert not AuditEntry.objects.filter(action="年度評価の公表").exists()


def test_the_reason_is_stored_and_audited(locked):
    manager = make_user("honbu", "manager")
    services.publish_year(locked, YEAR, reason=REASON, user=manager)
    evaluation = _evaluation(locked)
    assert (evaluation.is_published, evaluation.publication_note) == (True, REASON)
    entry = AuditEntry.objects.get(action="年度評価の公表")
    assert (entry.user, entry.reason) == (manager, REASON)
    assert entry.after["not_evaluated"] == 8 and entry.after["items"] == 11
    # Withdrawing the publication drops the note with it.
    services.unpublish_year(locked, YEAR, reason="数値の訂正", user=manager)
    assert _evaluation(locked).publication_note == ""


def test_a_fully_rated_year_needs_no_reason_and_keeps_none(town_data):
    plan = ActionItem.objects.filter(plan__slug=PLAN).first().plan
    admin = make_user("kanri", "admin")
    for item in ActionItem.objects.filter(plan=plan):
        services.record_status(item, YEAR, status="achieved", user=admin)
    services.lock_year(plan, YEAR, reason="承認前に確定", user=admin)
    services.publish_year(plan, YEAR, reason="書いても残さない", user=admin)
    assert _evaluation(plan).publication_note == ""


def test_the_publish_page_asks_for_the_reason_and_a_tick_alone_is_refused(client, locked):
    client.force_login(make_user("honbu", "manager"))
    page = client.get(_publish_url())
    assert "未評価の取組を残したまま公表する理由" in page.text
    refused = client.post(_publish_url(), {"confirm": "on"})
    assert refused.status_code == 200
    assert "このまま公表するには、理由を入力してください" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert not _evaluation(locked).is_published
    client.post(_publish_url(), {"confirm": "on", "reason": REASON})
    assert _evaluation(locked).publication_note == REASON


def test_the_public_reads_the_reason_beside_the_figures(client, locked):
    services.publish_year(locked, YEAR, reason=REASON)
    html = client.get(f"/?plan={PLAN}&year={YEAR}").content.decode()
    note = html[html.index('id="publication-note"') :]
    note = note[: note.index("</dd>")]
    assert f"<strong>評価済み 3／11：理由</strong> {REASON}" in note
    document = json.loads(client.get(f"/opendata/achievement.json?plan={PLAN}&year={YEAR}").content)
    assert document["publication_note"] == REASON
    assert REASON in client.get("/opendata/").content.decode()


def test_a_fully_rated_published_year_has_no_note_anywhere(client, town_data):
    html = client.get("/?plan=nakai-dx-1.0&year=2025").content.decode()
    assert 'id="publication-note"' not in html
    document = json.loads(
        client.get("/opendata/achievement.json?plan=nakai-dx-1.0&year=2025").content
    )
    assert "publication_note" not in document


def test_the_trend_draws_a_provisional_year_apart_from_the_final_ones(partly_rated):  # noqa: F811
    # 令和9年度 fully rated (final), 令和8年度 3 of 11 (provisional), 令和10年度 fully rated.
    rows = [
        YearlyStatus(item=item, fiscal_year=year, status=Status.ACHIEVED)
        for item in ActionItem.objects.filter(plan=partly_rated)
        for year in (YEAR + 1, YEAR + 2)
    ]
    YearlyStatus.objects.bulk_create(rows)
    data_changed(partly_rated, [YEAR + 1, YEAR + 2])
    by_year = compute_achievements(partly_rated, [YEAR, YEAR + 1, YEAR + 2])
    figure = charts.year_trend([by_year[YEAR], by_year[YEAR + 1], by_year[YEAR + 2]])
    names = [trace["name"] for trace in figure["data"]]
    assert names == [
        "全体の達成度（合算）",
        "全体の達成度（合算）（暫定）",
        "区分別達成度の平均",
        "区分別達成度の平均（暫定）",
    ]
    pooled, pooled_apart = figure["data"][:2]
    assert "lines" in pooled["mode"] and pooled["connectgaps"] is True
    assert pooled["y"] == [None, 100.0, 100.0]  # the final years, joined
    assert "lines" not in pooled_apart["mode"]
    assert pooled_apart["y"] == [66.7, None, None]  # the provisional year, a point alone
    assert pooled_apart["text"] == ["66.7%", "", ""]


def test_a_trend_of_final_years_only_is_one_line_per_series(town_data):
    plan = ActionItem.objects.filter(plan__slug="nakai-dx-1.0").first().plan
    admin = make_user("kanri", "admin")
    for item in ActionItem.objects.filter(plan=plan):
        services.record_status(item, 2024, status="achieved", user=admin)
    by_year = compute_achievements(plan, [2024, 2025])
    figure = charts.year_trend([by_year[2024], by_year[2025]])
    assert [trace["mode"] for trace in figure["data"]] == ["lines+markers+text"] * 2
