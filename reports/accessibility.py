"""The web accessibility policy (ウェブアクセシビリティ方針) and its measured test results.

The results are not typed in: ``make a11y-report`` (benchmarks/a11y_report.py)
drives Chromium over every public page type below at each width, runs axe-core,
the Nu Html Checker, keyboard and reflow checks, and writes RESULTS_PATH; the page
renders that file. A test fails when the file was written under an older
SCHEMA_VERSION or lacks a page type or width listed here, so a new page type or
check means running the command again.
"""

import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

SCHEMA_VERSION = 1
RESULTS_PATH = Path(__file__).resolve().parent / "accessibility_results.json"
TARGET = "JIS X 8341-3:2016 適合レベル AA"
POLICY_DATE = date(2026, 12, 7)
WIDTHS = (1280, 375)

# Every public page type: (key, name, path on the town's data).
PAGE_TYPES = (
    ("dashboard", _("ダッシュボード"), "/"),
    ("dashboard-no-year", _("ダッシュボード（評価のない計画）"), "/?plan=nakai-dx-2.0"),
    ("plan-index", _("計画の一覧"), "/plans/"),
    ("plan", _("計画"), "/plans/nakai-dx-2.0/"),
    ("area", _("重点施策区分"), "/plans/nakai-dx-1.0/areas/2/?year=2025"),
    ("item", _("取組"), "/plans/nakai-dx-1.0/items/1/"),
    ("timeline", _("主な取組の年表"), "/timeline/"),
    ("opendata", _("オープンデータ"), "/opendata/"),
    ("api-docs", _("オープンデータ API の説明"), "/api/v1/docs"),
    ("accessibility", _("ウェブアクセシビリティ方針"), "/accessibility/"),
    ("login", _("職員ログイン"), "/accounts/login/"),
    ("not-found", _("ページが見つかりません（404）"), "/plans/no-such-plan/"),
)

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
        "what": _("英語・やさしい日本語のページはまだありません。"),
        "plan": _(
            "画面の文言は翻訳できるように準備しています。各言語のページを追加したら、言語ごとにこの試験を行います。"
        ),
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


def problems(results):
    """Why a results file cannot stand for the current pages ([] when it can)."""
    if results is None:
        return ["結果のファイルがありません。make a11y-report を実行してください。"]
    found = []
    if results.get("schema_version") != SCHEMA_VERSION:
        found.append(
            f"結果のファイルの形式（{results.get('schema_version')}）が現在の形式"
            f"（{SCHEMA_VERSION}）と違います。make a11y-report を実行してください。"
        )
        return found
    measured = {entry["key"]: entry for entry in results.get("pages", [])}
    for key, _name, _path in PAGE_TYPES:
        entry = measured.get(key)
        if entry is None:
            found.append(f"ページ種別「{key}」の結果がありません。")
            continue
        for width in WIDTHS:
            checks = entry.get("widths", {}).get(str(width))
            if checks is None:
                found.append(f"ページ種別「{key}」の幅 {width}px の結果がありません。")
            elif any(field not in checks for field in REQUIRED_FIELDS):
                found.append(f"ページ種別「{key}」の幅 {width}px の結果に足りない項目があります。")
    return found


def page_rows(results):
    """The page types in their order, each with its measured checks per width."""
    measured = {entry["key"]: entry for entry in (results or {}).get("pages", [])}
    rows = []
    for key, name, path in PAGE_TYPES:
        entry = measured.get(key, {})
        rows.append(
            {
                "key": key,
                "name": name,
                "path": path,
                "widths": [
                    {"width": width, **entry.get("widths", {}).get(str(width), {})}
                    for width in WIDTHS
                ],
                "html_check": entry.get("html_check"),
            }
        )
    return rows


def measured_on(results):
    if not results or "generated_at" not in results:
        return None
    return datetime.fromisoformat(results["generated_at"])
