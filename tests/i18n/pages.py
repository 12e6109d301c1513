"""Every public page type, as a path without a language prefix (the town's data).

The language tests ask for each at /…, /ja-easy/… and /en/….
"""

PUBLIC_PAGES = {
    "dashboard": "/",
    "dashboard_year": "/?plan=nakai-dx-1.0&year=2025",
    "plan_index": "/plans/",
    "plan": "/plans/nakai-dx-1.0/",
    "area": "/plans/nakai-dx-1.0/areas/2/",
    "item": "/plans/nakai-dx-1.0/items/1/",
    "timeline": "/timeline/",
    "opendata": "/opendata/",
    "accessibility": "/accessibility/",
    "year_report": "/plans/nakai-dx-1.0/report/2025/",
    "towns": "/towns/",
    "glossary": "/glossary/",
    "not_found": "/plans/no-such-plan/",
}

LANGUAGE_PREFIXES = {"ja": "", "ja-easy": "/ja-easy", "en": "/en"}


def in_language(path, language):
    return LANGUAGE_PREFIXES[language] + path
