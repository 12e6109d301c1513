"""中井町's plan words in English and やさしい日本語 (fixtures/nakai_dx_translations.py)."""

import json
import re
from pathlib import Path

import pytest

from actions.models import ActionItem, Kpi
from plans.models import BasicPolicy, Plan, PriorityArea, TimelineEvent, WellBeingDirection

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
RECORDS = json.loads((FIXTURES / "nakai_dx_plan.json").read_text(encoding="utf-8"))
TRANSLATED = {
    "plans.plan": ("name",),
    "plans.basicpolicy": ("name",),
    "plans.priorityarea": ("name", "main_initiatives"),
    "plans.wellbeingdirection": ("name",),
    "plans.timelineevent": ("summary",),
    "actions.actionitem": ("title",),
    "actions.kpi": ("name", "unit"),
}
TEXTS = [
    (record["model"], record["pk"], field, record["fields"])
    for record in RECORDS
    for field in TRANSLATED.get(record["model"], ())
    if record["fields"][field]
]
# The kanji taught in the first two years of elementary school (学年別漢字配当表, 2020).
EASY_KANJI = set(
    "一右雨円王音下火花貝学気九休玉金空月犬見五口校左三山子四糸字耳七車手十出女小上森人水"
    "正生青夕石赤千川先早草足村大男竹中虫町天田土二日入年白八百文木本名目立力林六"
    "引羽雲園遠何科夏家歌画回会海絵外角楽活間丸岩顔汽記帰弓牛魚京強教近兄形計元言原戸古午"
    "後語工公広交光考行高黄合谷国黒今才細作算止市矢姉思紙寺自時室社弱首秋週春書少場色食心"
    "新親図数西声星晴切雪船線前組走多太体台地池知茶昼長鳥朝直通弟店点電刀冬当東答頭同道読"
    "内南肉馬売買麦半番父風分聞米歩母方北毎妹万明鳴毛門夜野友用曜来里理話"
)
NAMES = re.compile(
    "|".join(
        re.escape(name)
        for name in (
            "中井町",
            "井ノロ公民館",
            "里都まちカフェ",
            "農村環境改善センター",
            "総務課 情報班",
            "企画課 デジタル推進班",
            "第2次神奈川情報セキュリティクラウド",
            "オンライン手続きなかい",
            "推進連絡会議",
            "業務ワーキンググループ",
            "第七次中井町総合計画",
            "DX推進本部",
        )
    )
)
KANJI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def test_every_word_of_the_plan_has_both_translations():
    assert len(TEXTS) > 100
    missing = [
        (model, pk, field)
        for model, pk, field, fields in TEXTS
        if not (fields[f"{field}_en"].strip() and fields[f"{field}_easy"].strip())
    ]
    assert missing == []


def test_the_english_is_in_latin_letters_only():
    japanese = [
        fields[f"{field}_en"]
        for _, _, field, fields in TEXTS
        if JAPANESE.search(fields[f"{field}_en"])
    ]
    assert japanese == []


def test_the_easy_japanese_writes_kanji_of_the_first_two_school_years_outside_names():
    hard = {
        fields[f"{field}_easy"]: sorted(
            set(KANJI.findall(NAMES.sub("", fields[f"{field}_easy"]))) - EASY_KANJI
        )
        for _, _, field, fields in TEXTS
    }
    assert {text: chars for text, chars in hard.items() if chars} == {}


def test_the_easy_japanese_keeps_the_names_as_the_plan_prints_them():
    summaries = {
        fields["summary"]: fields["summary_easy"]
        for model, _, field, fields in TEXTS
        if model == "plans.timelineevent"
    }
    assert (
        "井ノロ公民館"
        in summaries["公衆Wi-Fiスポットの整備・運用開始（役場庁舎、井ノロ公民館、里都まちカフェ）"]
    )
    assert (
        "企画課 デジタル推進班"
        in summaries["DX担当部署として総務課 情報班を新設（現：企画課 デジタル推進班）"]
    )


def test_the_translations_fit_their_fields():
    lengths = {
        (model._meta.label_lower, field.name): field.max_length
        for model in (
            Plan,
            BasicPolicy,
            PriorityArea,
            WellBeingDirection,
            TimelineEvent,
            ActionItem,
            Kpi,
        )
        for field in model._meta.fields
        if field.name.endswith(("_en", "_easy"))
    }
    too_long = [
        (model, field)
        for model, _, field, fields in TEXTS
        for name in (f"{field}_en", f"{field}_easy")
        if (model, name) in lengths and len(fields[name]) > lengths[(model, name)]
    ]
    assert too_long == []


@pytest.mark.django_db
def test_the_loaded_data_speaks_three_languages(town_data):
    area = PriorityArea.objects.get(plan__slug="nakai-dx-2.0", number=6)
    assert area.name == "防災DXの推進"
    assert area.name_en == "Digital tools for disaster preparedness"
    assert area.name_easy == "デジタルで さいがいに そなえる"
    unnamed = ActionItem.objects.filter(name_published=False).order_by("pk").first()
    assert unnamed.title_en.endswith("– item 1 (name not published)")
    kpi = Kpi.objects.get(name="テレワーク実施職員数")
    assert (kpi.unit_en, kpi.unit_easy) == ("people a year", "人（1年に）")
