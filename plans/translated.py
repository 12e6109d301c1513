"""The plan's own words in the reader's language: the one place that picks them.

The names a town writes (its plan, areas, items, KPIs, policies, Well-Being
directions, timeline) are Japanese, and each may have an English and a
やさしい日本語 version in a field beside it: ``title`` → ``title_en`` and
``title_easy``, optional, filled in the admin or by the workbook's extra columns.
``translated(obj, "title")`` gives the words for the active language and says
which language they are in; a translation that is missing gives the Japanese,
so an English page can mark it ``lang="ja"`` for screen readers
(plans/templatetags/translated.py). It works on model instances, on values()
dicts and on row tuples with attributes, and never queries: a translation that
was not read with the row (deferred, or a values() row without its column)
counts as missing.

Why plain fields and not django-modeltranslation: registering a model with it
patches every manager of the model (not only ``objects``) into a subclass of its
MultilingualManager and patches the model's constructor. The managers then
rewrite field names by the active language in filter(), exclude(), get(),
order_by(), update(), only(), defer(), values(), values_list() (with fallback
to other languages), dates(), select_related() and create(); its documentation
says the value of the original field becomes undetermined and is not to be
relied on. Here the town-scoped managers (TownQuerySet.for_town and the
querysets built on it), the importer's matching of area names and aliases,
and the values()/values_list() reads behind the pages and exports all mean the
Japanese column: under an English request, ``filter(areas__name=…)`` or
``values_list("name")`` would silently read the English one. It would also add
a field per language in LANGUAGES (``name_ja`` beside ``name``) and make
every added field nullable. Rewriting can be switched off query by query
(``rewrite(False)``), but then every read here would have to remember to. Two
plain fields per text and one function keep every query meaning what it says.
"""

from django.conf import settings
from django.db import models
from django.db.models import Model
from django.utils import translation

JAPANESE = "ja"
EASY_JAPANESE = "ja-easy"
ENGLISH = "en"

# The field suffix of each language's words; Japanese is the field itself.
SUFFIXES = {ENGLISH: "_en", EASY_JAPANESE: "_easy"}
LANGUAGE_LABELS = {ENGLISH: "英語", EASY_JAPANESE: "やさしい日本語"}
TRANSLATIONS_FIELDSET = "翻訳（英語・やさしい日本語）"


def translation_fields(verbose_name, max_length):
    """The English and やさしい日本語 fields of a Japanese text field, to unpack in a model:

    ``name_en, name_easy = translation_fields("区分名", 100)``

    Both optional. ``max_length`` is the Japanese field's: the translations may be
    twice as long (English and kana take more characters than kanji).
    """
    return tuple(
        models.CharField(
            f"{verbose_name}（{LANGUAGE_LABELS[language]}）",
            max_length=max_length * 2,
            blank=True,
            help_text=help_text,
        )
        for language, help_text in (
            (ENGLISH, "英語のページに表示します。空欄のときは日本語のまま表示します。"),
            (
                EASY_JAPANESE,
                "やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。",
            ),
        )
    )


def translated_field_names(*fields):
    """["name_en", "name_easy", …] of the given Japanese fields, in that order."""
    return [f"{field}{suffix}" for field in fields for suffix in SUFFIXES.values()]


def suffix_of(language):
    """The field suffix for a language code ("en", "en-us", "ja-easy"), or "" for Japanese
    and for a language the plan's words are not written in."""
    language = (language or "").lower()
    if language in SUFFIXES:
        return SUFFIXES[language]
    return SUFFIXES.get(language.split("-")[0], "")


def is_japanese(language):
    """Whether a page in this language is Japanese to a reader and a screen reader
    (やさしい日本語 is Japanese)."""
    return (language or JAPANESE).lower().split("-")[0] == JAPANESE


def active_language():
    return translation.get_language() or settings.LANGUAGE_CODE


def translated(obj, field, language=None):
    """(text, language of the text) of ``obj``'s ``field`` for ``language`` (default: active).

    ("Smartphone help sessions", "en") where the English is filled in;
    ("スマホ相談会", "ja") where it is not, or on a Japanese page. Blank
    translations count as missing.
    """
    language = language or active_language()
    suffix = suffix_of(language)
    if suffix:
        text = _loaded(obj, field + suffix)
        if text and text.strip():
            return text, language.lower()
    return _text(_value(obj, field)), JAPANESE


def translated_text(obj, field, language=None):
    """Only the text of ``translated``."""
    return translated(obj, field, language)[0]


def _value(obj, name):
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _loaded(obj, name):
    """A translation as read with the row: a deferred field is not fetched (that is a query)."""
    if isinstance(obj, Model):
        return obj.__dict__.get(name)
    return _value(obj, name)


def _text(value):
    return "" if value is None else str(value)
