"""The reader's language: 日本語, やさしい日本語 or English, named by the page's URL.

The public pages (reports.urls, plans.urls) answer at three addresses each:
``/plans/…`` in Japanese, ``/ja-easy/plans/…`` in やさしい日本語 and
``/en/plans/…`` in English (``i18n_patterns`` in nakai_dx.urls). The URL
alone decides: no cookie and no Accept-Language, so a link shared or printed
shows the same page to everyone, a cached page is one per address, and the
staff pages, which are not translated, are always Japanese.

    languages(request)   # the context processor: the menu and the alternates
    japanese_only(view)  # a staff page among the public routes: the Japanese address
"""

from functools import lru_cache, wraps

from django.conf import settings
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils import translation

JAPANESE = "ja"
EASY_JAPANESE = "ja-easy"
ENGLISH = "en"

# The language tag of each for HTML (lang, hreflang): やさしい日本語 is Japanese to a
# screen reader; BCP 47 has no subtag for it, so the alternate names it by a private use.
HTML_LANG = {JAPANESE: "ja", EASY_JAPANESE: "ja", ENGLISH: "en"}
HREFLANG = {JAPANESE: "ja", EASY_JAPANESE: "ja-x-easy", ENGLISH: "en"}


def language_of_path(path):
    """The language a path names by its prefix, Japanese where it names none."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


class LanguageFromPathMiddleware:
    """Activate the language of the URL for everything after it (the page cache included).

    Sits before reports.cache.PublicPageCacheMiddleware, which resolves the path:
    the language prefix of ``i18n_patterns`` matches only while its language is active.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_of_path(request.path_info)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", HTML_LANG[language])
        return response


def japanese_only(view):
    """A staff page among the translated routes: other languages go to its Japanese address."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if translation.get_language() != JAPANESE:
            return redirect(translate_url(request.get_full_path(), JAPANESE))
        request.japanese_only = True
        return view(request, *args, **kwargs)

    return wrapper


def languages(request):
    """The language menu and the hreflang alternates of a translated page.

    A page is translated when its address changes with the language; the staff
    pages and the admin are not, and show no menu.
    """
    current = translation.get_language() or settings.LANGUAGE_CODE
    context = {"html_lang": HTML_LANG.get(current, current), "language_links": []}
    if getattr(request, "japanese_only", False) or request.resolver_match is None:
        return context
    addresses = _addresses(request.get_full_path(), current)
    if addresses:
        context["language_links"] = [
            {
                "code": code,
                "name": name,
                "url": address,
                "lang": HTML_LANG[code],
                "hreflang": HREFLANG[code],
                "current": code == current,
            }
            for (code, name), address in zip(settings.LANGUAGES, addresses, strict=True)
        ]
    return context


@lru_cache(maxsize=4096)
def _addresses(full_path, current):
    """The path in each language (resolving and reversing is a tenth of a signed-in page's
    time: remembered); None where the page is not translated."""
    addresses = tuple(translate_url(full_path, code) for code, _name in settings.LANGUAGES)
    return addresses if len(set(addresses)) == len(addresses) else None
