"""The report's page and downloads: who reads which year, the 案 mark, and bad addresses.

A published year's report is public in every format; a draft is 404 for anonymous
readers in every format and marked 「案」 on every page of every format for staff.
"""

import pytest
from django.urls import reverse

from reports.exporting import content_disposition
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_year, set_statuses
from tests.reports.report_files import docx_document, pdf_pages, workbook

pytestmark = pytest.mark.django_db

PUBLISHED, DRAFT, EMPTY = 2024, 2025, 2026
FORMATS = ["docx", "xlsx", "pdf"]


@pytest.fixture
def plan(db):
    plan = make_plan(slug="report-plan")
    items = make_items(plan, plan.areas.first(), 4)
    set_statuses(items[:3], PUBLISHED, "achieved")
    set_statuses(items[3:], PUBLISHED, "not_achieved")
    set_statuses(items[:2], DRAFT, "achieved")  # 2 of 4 rated: 暫定
    make_year(plan, PUBLISHED, "published")
    make_year(plan, DRAFT, "locked")
    return plan


def page_url(year, plan="report-plan"):
    return reverse("reports:year_report", args=[plan, year])


def file_url(year, fmt, plan="report-plan"):
    return reverse("reports:year_report_file", args=[plan, year, fmt])


def test_a_published_report_is_public_in_every_format(client, plan):
    response = client.get(page_url(PUBLISHED))
    assert response.status_code == 200
    assert "令和6年度（2024年度） 取組の達成状況" in response.content.decode()
    assert "（案）" not in response.content.decode()
    for fmt in FORMATS:
        response = client.get(file_url(PUBLISHED, fmt))
        assert response.status_code == 200, fmt
        assert response["Content-Disposition"] == content_disposition(
            f"report-plan_令和6年度_進捗報告書.{fmt}"
        )


@pytest.mark.parametrize("fmt", [None, *FORMATS, "edit"])
def test_anonymous_readers_get_404_for_a_draft_in_every_format(client, plan, fmt):
    url = page_url(DRAFT) if fmt is None else file_url(DRAFT, fmt)
    if fmt == "edit":
        url = reverse("reports:year_report_edit", args=["report-plan", DRAFT])
        assert client.get(url).status_code == 302  # to the login page: nothing shown
        return
    response = client.get(url)
    assert response.status_code == 404
    assert "公表されていません" in response.content.decode()


def test_staff_read_a_draft_marked_an_on_every_page_of_every_format(client, plan):
    client.force_login(make_user("kato", "staff"))
    html = client.get(page_url(DRAFT)).content.decode()
    assert 'class="year-report__draft-mark"' in html and "取組の達成状況（案）" in html
    assert "評価済み 2／4（達成度は暫定）" in html

    document = docx_document(client.get(file_url(DRAFT, "docx")).content)
    assert document.sections[0].header.paragraphs[0].runs[0].text == "案"
    assert any("（案）" in p.text for p in document.paragraphs)

    book = workbook(client.get(file_url(DRAFT, "xlsx")).content)
    for sheet in book.worksheets:
        assert sheet["A1"].value.startswith("【案】"), sheet.title
        assert sheet.oddHeader.right.text == "案"

    pages = pdf_pages(client.get(file_url(DRAFT, "pdf")).content)
    assert len(pages) >= 3
    for page in pages:
        first_line = next(line for line in page.splitlines() if line.strip())
        assert first_line.rstrip().endswith("案")


def test_a_draft_download_is_not_kept_by_shared_caches(client, plan):
    client.force_login(make_user("kato", "staff"))
    assert client.get(file_url(DRAFT, "pdf"))["Cache-Control"] == "private, no-store"
    assert client.get(page_url(DRAFT))["Cache-Control"] == "private, no-store"


def test_the_year_is_read_as_2025_r7_or_reiwa(client, plan):
    client.force_login(make_user("kato", "staff"))
    for text in ["2025", "R7", "令和7年度"]:
        assert client.get(page_url(text)).status_code == 200, text


@pytest.mark.parametrize(
    "url, message",
    [
        ("/plans/no-such-plan/report/2024/", "計画ID「no-such-plan」の計画は登録されていません。"),
        ("/plans/report-plan/report/2040/", "評価の対象年度"),
        ("/plans/report-plan/report/R99x/", "読み取れません"),
        ("/plans/report-plan/report/2024/odt/", "docx、xlsx、pdf のいずれか"),
        ("/plans/report-plan/report/%3Cscript%3E/", "読み取れません"),
    ],
)
def test_bad_addresses_are_404_with_a_japanese_message(client, plan, url, message):
    client.force_login(make_user("kato", "staff"))
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_a_year_with_no_data_says_so_in_every_format(client, plan):
    client.force_login(make_user("kato", "staff"))
    html = client.get(page_url(EMPTY)).content.decode()
    assert "令和8年度（2026年度）の達成状況はまだ記録されていません" in html
    for fmt in FORMATS:
        assert client.get(file_url(EMPTY, fmt)).status_code == 200


def test_the_report_page_links_its_downloads_and_its_edit_page_for_managers(client, plan):
    html = client.get(page_url(PUBLISHED)).content.decode()
    for fmt in FORMATS:
        assert f'href="{file_url(PUBLISHED, fmt)}"' in html
    edit = reverse("reports:year_report_edit", args=["report-plan", PUBLISHED])
    assert edit not in html
    client.force_login(make_user("mori", "manager"))
    assert edit in client.get(page_url(PUBLISHED)).content.decode()


def test_the_dashboard_and_the_open_data_page_link_a_published_report(client, plan):
    report = page_url(PUBLISHED)
    dashboard = client.get("/", {"plan": "report-plan", "year": PUBLISHED}).content.decode()
    assert f'href="{report}"' in dashboard
    assert f'href="{report}"' in client.get("/opendata/").content.decode()
    assert page_url(DRAFT) not in client.get("/opendata/").content.decode()
