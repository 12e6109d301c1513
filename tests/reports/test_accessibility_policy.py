"""The accessibility policy page shows what make a11y-report measured, and the file keeps up."""

import copy
import json

import pytest

from reports import accessibility

pytestmark = pytest.mark.django_db

URL = "/accessibility/"


def committed():
    return accessibility.load_results(accessibility.RESULTS_PATH)


def test_the_committed_results_are_of_the_current_schema_and_cover_every_page_type():
    results = committed()
    assert accessibility.problems(results) == []
    assert results["schema_version"] == accessibility.SCHEMA_VERSION
    keys = [entry["key"] for entry in results["pages"]]
    assert keys == [key for key, _name, _path in accessibility.PAGE_TYPES]


def test_the_committed_results_were_measured_not_typed():
    """Figures the command derives agree with the details it recorded beside them."""
    results = committed()
    assert results["tools"]["axe_core"] and results["tools"]["chromium"]
    widths = [c for entry in results["pages"] for c in entry["widths"].values()]
    summary = results["summary"]
    assert summary["axe_violations"] == sum(c["axe"]["violations"] for c in widths)
    assert summary["unreachable"] == sum(
        c["keyboard"]["focusable"] - c["keyboard"]["reached"] for c in widths
    )
    for checks in widths:
        assert checks["axe"]["passed_rules"] > 10  # axe really ran its rules on a page
        assert checks["keyboard"]["focusable"] > 0
        assert checks["headings"]["levels"][0] == 1


def test_an_older_schema_is_reported():
    results = copy.deepcopy(committed())
    results["schema_version"] = accessibility.SCHEMA_VERSION - 1
    assert "形式" in accessibility.problems(results)[0]


def test_a_missing_page_type_or_width_is_reported():
    results = copy.deepcopy(committed())
    results["pages"] = [e for e in results["pages"] if e["key"] != "timeline"]
    results["pages"][0]["widths"].pop("375")
    found = accessibility.problems(results)
    assert "ページ種別「timeline」の結果がありません。" in found
    assert f"ページ種別「{results['pages'][0]['key']}」の幅 375px の結果がありません。" in found


def test_a_missing_file_is_reported(tmp_path):
    assert accessibility.problems(accessibility.load_results(tmp_path / "none.json"))


def test_the_page_states_the_target_scope_and_dates(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>ウェブアクセシビリティ方針</h1>" in html
    assert "JIS X 8341-3:2016 適合レベル AA" in html
    assert "対象範囲" in html
    assert "令和8年12月7日（2026年12月7日）" in html  # the policy's date, 和暦 with 西暦


@pytest.fixture
def distinctive_results(tmp_path, settings):
    """The committed results with figures no page would show by chance."""
    results = copy.deepcopy(committed())
    results["generated_at"] = "2027-05-31T01:02:03+00:00"
    results["tools"]["axe_core"] = "9.87.6"
    results["summary"]["axe_violations"] = 4321
    first = results["pages"][0]["widths"]["1280"]
    first["axe"]["violations"] = 77
    first["axe"]["rules"] = ["color-contrast", "label"]
    first["keyboard"].update(focusable=91, reached=89, focus_visible=88)
    first["headings"] = {"ok": False, "problem": "h2 の次が h4", "levels": [1, 2, 4]}
    results["pages"][1]["html_check"] = {"errors": 654, "messages": []}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    settings.ACCESSIBILITY_RESULTS_PATH = path
    return results


def test_the_page_renders_the_figures_of_the_results_file(client, distinctive_results):
    html = client.get(URL).content.decode()
    assert "令和9年5月31日（2027年5月31日）" in html  # the test date, from the file
    assert "axe-core 9.87.6" in html
    assert "4321 件" in html
    assert "77 件" in html and "color-contrast、label" in html
    assert "89／91" in html and "88／89" in html
    assert "h2 の次が h4" in html
    assert "654 件" in html
    for _key, name, path in accessibility.PAGE_TYPES:
        assert f'<a href="{path.replace("&", "&amp;")}">{name}</a>' in html


def test_the_page_says_when_the_results_do_not_stand_for_the_pages(client, distinctive_results):
    distinctive_results["pages"].pop()
    accessibility.results_path().write_text(json.dumps(distinctive_results), encoding="utf-8")
    html = client.get(URL).content.decode()
    assert "現在のページを表していない可能性があります" in html
    assert "ページ種別「not-found」の結果がありません。" in html


def test_the_html_checker_not_run_is_said_so(client, distinctive_results):
    distinctive_results["html_checker"] = {"run": False, "reason": "Java がありません"}
    for entry in distinctive_results["pages"]:
        entry["html_check"] = {"errors": None}
    accessibility.results_path().write_text(json.dumps(distinctive_results), encoding="utf-8")
    html = client.get(URL).content.decode()
    assert "未実施（Java がありません）" in html


def test_the_manual_checks_and_known_exceptions_are_listed_with_their_plan(client):
    html = client.get(URL).content.decode()
    assert "人が行う確認" in html and "スクリーンリーダー" in html and "未実施" in html
    assert "わかっている例外と対応の予定" in html and "plotly.js" in html


@pytest.mark.parametrize("url", ["/", "/opendata/", "/plans/", "/plans/no-such-plan/", URL])
def test_every_page_links_to_the_policy_from_its_footer(client, town_data, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'<a href="{URL}">ウェブアクセシビリティ方針</a>' in footer


def test_the_committed_results_cover_each_language_of_each_translated_page_type():
    results = committed()
    for entry in results["pages"]:
        languages = set(entry["translations"])
        if entry["key"] in accessibility.JAPANESE_ONLY:
            assert languages == set()
        else:
            assert languages == {"ja-easy", "en"}, entry["key"]
            for language in languages:
                measured = entry["translations"][language]
                assert measured["path"] == accessibility.paths_in(entry["path"], language)
                for checks in measured["widths"].values():
                    assert checks["axe"]["passed_rules"] > 10
    for language in accessibility.LANGUAGES:
        summary = results["by_language"][language]
        assert summary["page_types"] == len(
            [
                key
                for key, _n, _p in accessibility.PAGE_TYPES
                if language in accessibility.languages_of(key)
            ]
        )
    assert results["by_language"]["ja"] == results["summary"]


def test_a_missing_language_is_reported():
    results = copy.deepcopy(committed())
    timeline = next(e for e in results["pages"] if e["key"] == "timeline")
    del timeline["translations"]["en"]
    timeline["translations"]["ja-easy"]["widths"].pop("1280")
    assert accessibility.problems(results) == [
        "ページ種別「timeline (ja-easy)」の幅 1280px の結果がありません。",
        "ページ種別「timeline (en)」の結果がありません。",
    ]


def test_the_page_shows_each_languages_results(client, distinctive_results):
    distinctive_results["by_language"]["en"]["axe_violations"] = 2468
    timeline = next(e for e in distinctive_results["pages"] if e["key"] == "timeline")
    timeline["translations"]["en"]["widths"]["375"]["axe"] = {
        "violations": 13,
        "rules": ["region"],
        "passed_rules": 30,
        "incomplete_rules": 0,
    }
    accessibility.results_path().write_text(
        json.dumps(distinctive_results, ensure_ascii=False), encoding="utf-8"
    )
    html = client.get(URL).content.decode()
    assert 'data-label="axe-core の違反">2468</td>' in html
    assert html.count('<table class="data-table a11y-results">') == 3
    english = html[html.index('id="results-en"') :]
    assert '<a href="/en/timeline/">主な取組の年表</a>' in english
    assert "13 件" in english and "region" in english
    assert '<a href="/api/v1/docs">' not in english  # the API's documentation is Japanese only


def test_the_results_read_in_english_on_the_english_page(client):
    html = client.get("/en" + URL).content.decode()
    assert "<h1>Web accessibility policy</h1>" in html
    assert 'Pages in <span lang="en">English</span>' in html
    assert '<a href="/en/glossary/">Glossary</a>' in html
    assert "7 December 2026" in html


def test_the_exception_of_the_missing_languages_is_gone(client):
    html = client.get(URL).content.decode()
    assert "英語・やさしい日本語のページはまだありません" not in html
    assert "町が翻訳を登録していない計画の言葉は日本語のまま表示します" in html


def test_a_heading_problem_is_said_in_the_readers_language():
    assert accessibility.heading_problem([1, 2, 3]) == ""
    assert accessibility.heading_problem([1, 2, 4]) == "h2 の次が h4"
    assert accessibility.heading_problem([2, 3]) == "h1 が 0 個"
    from django.utils import translation

    with translation.override("en"):
        assert accessibility.heading_problem([1, 1]) == "2 h1 headings"
