"""The translations are complete: every catalogue entry translated, none fuzzy, and no
English page showing Japanese interface text (the plan's own words without a
translation show in Japanese, marked lang="ja")."""

import re

import pytest
from babel.messages.pofile import read_po

from nakai_dx.catalogues import LOCALE_DIR
from tests.i18n.japanese_text import japanese_outside_lang_ja
from tests.i18n.pages import PUBLIC_PAGES, in_language

TRANSLATED = ["en", "ja_Easy"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _catalogue(locale):
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "django.po").open("rb") as source:
        return read_po(source, locale=locale)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(locale):
    catalogue = _catalogue(locale)
    messages = [message for message in catalogue if message.id]
    assert len(messages) > 50
    untranslated = [message.id for message in messages if not all(_strings(message.string))]
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_every_placeholder(locale):
    for message in _catalogue(locale):
        if not message.id:
            continue
        source = _strings(message.id)
        for translation in _strings(message.string):
            assert sorted(set(PLACEHOLDER.findall(translation))) == sorted(
                set(PLACEHOLDER.findall(source[-1]))
            ), message.id


# やさしい日本語 says each term of the plan one way, the glossary's (/ja-easy/glossary/):
# the word a reader learns there is the word on every page. Each pair: a wording that
# is not used, and the one that is.
EASY_WORDS = [
    ("取り組み", "とりくみ"),
    ("少し できた", "一部 できた"),
    ("まだ できていない とりくみの 数", "できなかった とりくみの 数"),
    ("まだ 評価して いない", "まだ 調べていない"),
    ("しらべ", "調べ"),
]


def test_easy_japanese_says_each_term_the_glossarys_way():
    found = {}
    for message in _catalogue("ja_Easy"):
        for translation in _strings(message.string) if message.id else []:
            for avoided, used in EASY_WORDS:
                if avoided in translation:
                    found.setdefault(f"{avoided} → {used}", []).append(translation[:60])
    assert found == {}


def _strings(value):
    return list(value) if isinstance(value, tuple | list) else [value]


def test_the_finder_sees_japanese_text_and_attributes_but_not_lang_ja():
    html = (
        '<html lang="en"><head><title>達成度 | Site</title></head><body>'
        '<p>Rate <span lang="ja">中井町</span></p><img alt="グラフ">'
        '<script>var a = "達成";</script><p lang="ja"><b>取組</b></p><p>done</p></body></html>'
    )
    found = japanese_outside_lang_ja(html)
    assert found == ["<title> '達成度 | Site'", "<img alt='グラフ'>"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PUBLIC_PAGES))
def test_english_pages_show_no_japanese_interface_text(client, town_data, page):
    html = client.get(in_language(PUBLIC_PAGES[page], "en")).content.decode()
    assert japanese_outside_lang_ja(html) == []
