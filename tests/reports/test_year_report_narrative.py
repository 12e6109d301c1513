"""The 本部's narrative: written on the report page (with a preview), audited, kept per
year, carried by every format; hostile input stays text or is refused with a message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import AuditEntry
from reports.models import AreaFinding, YearReport
from reports.services import save_year_report
from reports.yearly_report import render
from reports.yearly_report.content import Narrative, build_report
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section, make_year, set_statuses
from tests.reports.report_files import (
    docx_tables,
    docx_text,
    pdf_flat,
    sheet_rows,
    workbook,
)

pytestmark = pytest.mark.django_db

YEAR = 2025
ROLES = ["anonymous", "staff", "section_head", "manager", "admin"]
EXPECTED_STATUS = {
    "anonymous": 302,
    "staff": 403,
    "section_head": 403,
    "manager": 200,
    "admin": 200,
}


@pytest.fixture
def plan(db):
    plan = make_plan(slug="narrative-plan")
    items = make_items(plan, plan.areas.first(), 3)
    set_statuses(items, YEAR, "achieved")
    set_statuses(items, YEAR - 1, "not_achieved")
    make_year(plan, YEAR, "published")
    make_year(plan, YEAR - 1, "published")
    return plan


def edit_url(year=YEAR):
    return reverse("reports:year_report_edit", args=["narrative-plan", year])


def form_data(plan, **fields):
    area = plan.areas.first()
    data = {
        "version": 0,
        "overview": "",
        "deliberation": "",
        "table_notes": "",
        "external_body": "",
        "external_meeting_on": "",
        "external_review": "",
        "issuer": "",
        "issued_on": "",
        f"finding_{area.number}": "",
        "save": "1",
    }
    data.update(fields)
    return data


def user_for(role):
    if role == "anonymous":
        return None
    section = make_section()
    return make_user(f"user-{role}", role, [section] if role in ("staff", "section_head") else [])


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_and_admins_open_the_edit_page(client, plan, role):
    user = user_for(role)
    if user:
        client.force_login(user)
    assert client.get(edit_url()).status_code == EXPECTED_STATUS[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_and_admins_save_a_narrative(client, plan, role):
    user = user_for(role)
    if user:
        client.force_login(user)
    response = client.post(edit_url(), form_data(plan, overview="順調に進んだ。"))
    saved = YearReport.objects.filter(plan=plan, fiscal_year=YEAR).exists()
    assert saved == (EXPECTED_STATUS[role] == 200)
    if not saved:
        assert response.status_code == EXPECTED_STATUS[role]
        assert not AuditEntry.objects.exists()


def test_the_narrative_round_trips_into_every_format_and_is_audited(client, plan):
    manager = make_user("mori", "manager")
    client.force_login(manager)
    area = plan.areas.first()
    response = client.post(
        edit_url(),
        form_data(
            plan,
            overview="総評の本文。",
            deliberation="ワーキンググループを延べ70回開催しました。",
            table_notes="達成度は目安です。\n全体の達成度は60.0%です。",
            external_body="中井町DX推進委員会",
            external_meeting_on="令和8年5月20日",
            external_review="委員から、オープンデータの拡充を求める意見がありました。",
            **{f"finding_{area.number}": "区分Aは計画どおり。"},
        ),
    )
    assert response.status_code == 302
    report = YearReport.objects.get(plan=plan, fiscal_year=YEAR)
    assert report.external_meeting_on == datetime.date(2026, 5, 20)
    assert AreaFinding.objects.get(report=report).text == "区分Aは計画どおり。"

    entry = AuditEntry.objects.get()
    assert entry.action == "年次報告書の記述の変更" and entry.user == manager
    assert entry.fiscal_year == YEAR and entry.plan == plan
    assert entry.before["overview"] == "" and entry.after["overview"] == "総評の本文。"

    texts = [
        "総評の本文。",
        "ワーキンググループを延べ70回開催しました。",
        "☞ 達成度は目安です。",
        "区分Aは計画どおり。",
        "委員から、オープンデータの拡充を求める意見がありました。",
        "中井町DX推進委員会（令和8年5月20日（2026年5月20日）開催）",
    ]
    html = client.get(reverse("reports:year_report", args=["narrative-plan", YEAR])).content
    word = docx_text(client.get(_file(YEAR, "docx")).content)
    pdf = pdf_flat(client.get(_file(YEAR, "pdf")).content)
    book = client.get(_file(YEAR, "xlsx")).content
    cells = {
        str(value)
        for sheet in workbook(book).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    }
    for text in texts:
        assert text in html.decode(), text
        assert text in word, text
        assert text.replace(" ", "") in pdf, text
    for text in ["総評の本文。", "達成度は目安です。", "区分Aは計画どおり。", "中井町DX推進委員会"]:
        assert text in cells, text


def _file(year, fmt):
    return reverse("reports:year_report_file", args=["narrative-plan", year, fmt])


def test_a_narrative_is_kept_apart_per_year(plan):
    save_year_report(plan, YEAR, Narrative(overview="今年度の総評"))
    save_year_report(plan, YEAR - 1, Narrative(overview="前年度の総評"))
    assert build_report(plan, YEAR).overview_paragraphs == ["今年度の総評"]
    assert build_report(plan, YEAR - 1).overview_paragraphs == ["前年度の総評"]
    assert AuditEntry.objects.count() == 2


def test_saving_the_same_narrative_again_writes_nothing(plan):
    save_year_report(plan, YEAR, Narrative(overview="同じ"))
    report, changed = save_year_report(plan, YEAR, Narrative(overview="同じ"), expected_version=1)
    assert not changed and report.version == 1
    assert AuditEntry.objects.count() == 1


def test_the_preview_shows_the_report_and_saves_nothing(client, plan):
    client.force_login(make_user("mori", "manager"))
    data = form_data(plan, overview="まだ保存しない総評")
    del data["save"]
    data["preview"] = "1"
    response = client.post(edit_url(), data)
    assert response.status_code == 200
    assert "プレビュー（まだ保存していません）" in response.content.decode()
    assert "まだ保存しない総評" in response.content.decode()
    assert not YearReport.objects.exists() and not AuditEntry.objects.exists()


def test_an_edit_made_on_a_stale_copy_is_refused(client, plan):
    save_year_report(plan, YEAR, Narrative(overview="先に保存した総評"))
    client.force_login(make_user("mori", "manager"))
    response = client.post(edit_url(), form_data(plan, version=0, overview="古い画面からの総評"))
    assert response.status_code == 400
    assert "ほかの人がこの報告書の記述を先に保存しました" in response.content.decode()
    assert YearReport.objects.get().overview == "先に保存した総評"


def test_ten_thousand_characters_are_kept_and_one_more_is_refused(client, plan):
    client.force_login(make_user("mori", "manager"))
    long_text = "長" * 10_000
    assert client.post(edit_url(), form_data(plan, overview=long_text)).status_code == 302
    content = build_report(plan, YEAR)
    assert content.overview_paragraphs == [long_text]
    for fmt in ("docx", "xlsx", "pdf", "html"):
        assert render(content, fmt)  # a long paragraph flows over pages

    response = client.post(edit_url(), form_data(plan, version=1, overview=long_text + "長"))
    assert response.status_code == 400
    assert "10,000文字以内で入力してください" in response.content.decode()
    assert YearReport.objects.get().overview == long_text
    assert AuditEntry.objects.count() == 1


def test_the_service_refuses_what_the_form_would_not_send(plan):
    other = make_plan()
    stranger = make_items(other, other.areas.first(), 1)[0]
    with pytest.raises(ValidationError, match="この計画にない取組"):
        save_year_report(plan, YEAR, Narrative(highlighted_item_ids=[stranger.pk]))
    with pytest.raises(ValidationError, match="評価の対象年度"):
        save_year_report(plan, 2040, Narrative(overview="x"))
    with pytest.raises(ValidationError, match="10,000文字以内"):
        save_year_report(plan, YEAR, Narrative(external_review="x" * 10_001))
    assert not YearReport.objects.exists() and not AuditEntry.objects.exists()


def test_a_bad_date_gets_a_japanese_message_and_changes_nothing(client, plan):
    client.force_login(make_user("mori", "manager"))
    response = client.post(edit_url(), form_data(plan, external_meeting_on="令和8年13月1日"))
    assert response.status_code == 400
    assert (
        "日付として読めません" in response.content.decode()
        or "存在しない日付" in response.content.decode()
    )
    assert not YearReport.objects.exists()


HOSTILE = '=HYPERLINK("http://evil.example","x")'


def test_formulas_and_html_in_the_narrative_stay_text_in_every_format(plan):
    save_year_report(
        plan,
        YEAR,
        Narrative(
            overview=HOSTILE,
            deliberation="<script>alert(1)</script> & <b>太字</b>",
            table_notes="+SUM(A1:A2)",
        ),
    )
    content = build_report(plan, YEAR)
    html = render(content, "html").decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;太字&lt;/b&gt;" in html

    book = workbook(render(content, "xlsx"))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert sheet_rows(render(content, "xlsx"), "総評") == [(1, "'" + HOSTILE)]

    assert HOSTILE in docx_text(render(content, "docx"))
    flat = pdf_flat(render(content, "pdf"))
    assert "<script>alert(1)</script>&<b>太字</b>" in flat


def test_a_year_on_year_comparison_lists_the_items_whose_status_changed(plan):
    content = build_report(plan, YEAR)
    assert content.previous_year == YEAR - 1
    area = content.comparisons[0]
    assert (area.previous_rate, area.rate) == ("0.0%", "100.0%")
    assert [(c.code, c.before, c.after) for c in content.changes] == [
        ("1", "未達成", "達成"),
        ("2", "未達成", "達成"),
        ("3", "未達成", "達成"),
    ]
    changed = docx_tables(render(content, "docx"))[-1]
    assert changed[0] == [
        "重点施策区分",
        "番号",
        "取組名",
        "令和6年度（2024年度）",
        "令和7年度（2025年度）",
    ]
    assert changed[1] == ["区分A", "1", "取組1", "未達成", "達成"]
    assert "区分A1取組1未達成達成" in pdf_flat(render(content, "pdf"))


def test_a_public_report_never_compares_with_an_unpublished_year(plan):
    from actions.models import EvaluationYear

    EvaluationYear.objects.filter(plan=plan, fiscal_year=YEAR - 1).update(is_published=False)
    assert build_report(plan, YEAR).previous_year is None
    assert build_report(plan, YEAR, is_draft=True).previous_year == YEAR - 1


def test_characters_a_word_or_excel_file_cannot_hold_are_left_out(plan):
    save_year_report(plan, YEAR, Narrative(overview="前\x01半\x0b後半"))
    content = build_report(plan, YEAR)
    assert content.overview_paragraphs == ["前半後半"]
    assert "前半後半" in docx_text(render(content, "docx"))
    assert sheet_rows(render(content, "xlsx"), "総評") == [(1, "前半後半")]


def test_the_form_and_the_report_name_the_plans_own_town_as_issuer():
    from plans.models import Town
    from reports.forms import YearReportForm

    town = Town.objects.create(code="011002", name="札幌市", prefecture="北海道")
    plan = make_plan(slug="sapporo-plan", town=town)
    form = YearReportForm(plan=plan)
    assert form.fields["issuer"].help_text == "空欄なら「札幌市 DX推進本部」"
    assert "札幌市" in form.fields["external_body"].help_text
    assert "中井町" not in str(form)
    make_year(plan, YEAR, "published")
    assert build_report(plan, YEAR).issuer == "札幌市 DX推進本部"
