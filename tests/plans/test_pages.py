import pytest

from tests.html_tables import table
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db


def test_the_plan_index_lists_both_versions(client, town_data):
    html = client.get("/plans/").content.decode()
    assert 'href="/plans/nakai-dx-1.0/"' in html
    assert 'href="/plans/nakai-dx-2.0/"' in html
    assert "令和5年8月～令和10年度末" in html


def test_the_plan_page_shows_the_philosophy_and_the_five_policies(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    assert "基本理念" in html
    assert "共創と協創～誰もがデジタルの恩恵を享受するまちづくり～" in html
    for policy in (
        "意識改革",
        "全員で進める",
        "スモールスタート",
        "迅速かつ柔軟に",
        "運用の継続性",
    ):
        assert policy in html


def test_the_plan_page_lists_six_areas_with_the_added_one_marked(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    areas = html[html.index('id="areas-heading"') : html.index('id="wellbeing-heading"')]
    assert areas.count('<th scope="row">') == 6
    assert '防災DXの<wbr>推進</span></a> <span class="tag tag--added">追加</span>' in areas
    assert "フロントヤード改革、eL-QR対応 等" in areas
    assert "オープンデータ・官民データ活用の推進 等" in areas


def test_the_plan_page_has_the_wellbeing_table(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    wellbeing = table(html, "総合計画の方向性とDX施策")
    assert wellbeing.columns == [
        "総合計画の方向性",
        "DX施策で目指す効果（計画書）",
        "町による対応付け",
    ]
    # The measures as the review places them (1. 中間見直しの概要, 総合計画との連動).
    assert wellbeing.body == [
        ["よく暮らす", "防災DXの推進、オープンデータの拡充 等", "オープンデータ拡充"],
        ["よく働く", "地域通貨電子化、生成AIの利活用の推進 等", "生成AI活用"],
        ["よく学ぶ", "GIGAスクール推進、テレワーク環境 等", "—"],
        ["よい心身", "オンライン相談、検診データ活用 等", "—"],
        # The review printed デジタルデバインド対策 here (tests/reports/test_plan_fidelity.py).
        [
            "よい繋がり",
            "デジタルデバイド対策（計画書の表記：「デジタルデバインド対策」）、地域通貨電子化 等",
            "—",
        ],
        ["よい行政", "フロントヤード改革、eL-QR対応 等", "—"],
    ]
    section = html[html.index('id="wellbeing-heading"') : html.index('id="bodies-heading"')]
    assert 'id="wellbeing-6"' in section
    # A measure that is a registered item or area of the plan links to it; the others are text.
    assert '<a href="/plans/nakai-dx-2.0/items/1/">フロントヤード改革</a>' in section
    assert '<a href="/plans/nakai-dx-2.0/areas/6/">防災DXの推進</a>' in section
    assert '<a href="/plans/nakai-dx-2.0/areas/4/">デジタルデバイド対策</a>' in section
    assert ">テレワーク環境<" not in section and "テレワーク環境、" not in section


def test_the_plan_page_shows_the_four_directions_of_the_theme(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    philosophy = html[html.index('id="philosophy-heading"') : html.index('id="policies-heading"')]
    headings = [
        "計画の着実な進捗を踏まえた『継続性』",
        "導入段階から活用・定着段階への『深化』",
        "ユーザーエクスペリエンスを意識した『深化』",
        "導入済み技術の横展開と社会環境の変化への対応による『進化』",
    ]
    positions = [philosophy.index(f"<strong>{heading}</strong>") for heading in headings]
    assert positions == sorted(positions)
    assert "利用者・職員双方にとっての使いやすさ" in philosophy


def test_the_plan_page_keeps_both_printed_dates_of_the_national_plan(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    related = html[html.index('id="related-heading"') : html.index('id="areas-heading"')]
    assert "国の自治体DX推進計画 第5.0版改定（R7.1.2）（1. 中間見直しの概要）" in related
    assert "国の自治体DX推進計画 第5.0版改定（R7.12）（2. 中間見直しの背景と考え方）" in related
    assert "両方をそのまま載せています" in related
    assert "<h3>第七次中井町総合計画</h3>" in related
    assert "令和8年度（2026年度）～" in related
    assert "第七次中井町総合計画策定（R8年度～）" in related


def test_the_plan_page_shows_the_bodies_with_the_alias_and_no_claim_beyond_the_review(
    client, town_data
):
    for slug in ("nakai-dx-1.0", "nakai-dx-2.0"):
        html = client.get(f"/plans/{slug}/").content.decode()
        bodies = html[html.index('id="bodies-heading"') : html.index('id="items-heading"')]
        assert "<dt>DX推進連絡会</dt>" in bodies
        assert "別表記：推進連絡会議" in bodies
        assert "ワーキンググループでの検討事項の報告・全庁的な共有を図るため設置。" in bodies
        assert "意思決定" not in html


def test_the_plan_1_0_page_claims_no_alignment_with_the_national_plan(client, town_data):
    html = client.get("/plans/nakai-dx-1.0/").content.decode()
    assert "第5.0版" not in html
    assert "国計画" not in html
    areas = table(html, "重点施策区分")
    assert areas.columns == ["No.", "重点施策区分", "登録されている取組"]


def test_the_plan_pages_show_the_printed_and_the_registered_item_counts(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    assert "計画書：27個（再掲分含む）<br>登録されている取組：11件" in html
    assert "「主な取組」として名称を挙げた11取組を登録しています" in html
    index = table(client.get("/plans/").content.decode(), "中井町DX推進計画の版")
    assert [row["取組数"] for row in index.rows()] == [
        "計画書 30個 （アクションプランに位置付けた取組数） 登録 30件",
        "計画書 27個 （再掲分含む） 登録 11件",
    ]


def test_the_plan_page_says_what_changed_from_1_0(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    changes = html[html.index('id="changes-heading"') : html.index('id="areas-heading"')]
    assert "1.0版からの変更点" in changes
    assert "<td>30個</td>" in changes
    assert "27個" in changes
    assert "令和5年8月～令和7年度末" in changes
    assert "令和5年8月～令和10年度末" in changes
    assert "延長" in changes
    assert "6区分（「防災DXの推進」を追加）" in changes


def test_the_plan_1_0_page_points_to_its_revision(client, town_data):
    html = client.get("/plans/nakai-dx-1.0/").content.decode()
    assert 'href="/plans/nakai-dx-2.0/"' in html
    assert "令和7年度末" in html
    assert "名称未公表" in html


def test_an_unknown_plan_is_a_japanese_404(client, town_data):
    response = client.get("/plans/nakai-dx-3.0/")
    assert response.status_code == 404
    assert "計画ID「nakai-dx-3.0」の計画は登録されていません。" in response.content.decode()


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_plan_pages_query_counts_do_not_grow_with_the_items(
    client, item_count, django_assert_num_queries
):
    build_plan(item_count)
    with django_assert_num_queries(2):
        client.get("/plans/")
    with django_assert_num_queries(11):
        client.get("/plans/big-plan/")
