"""Which 重点取組事項 of the national plan an area's 国計画との整合 text names.

A plan document writes its alignment as prose (「フロントヤード改革、eL-QR対応 等」);
the comparison across towns needs the national plan's items themselves
(PriorityArea.national_items). ``named_items`` finds the items whose names
stand in the text, and nothing else: a phrase that names no item is left as it
is written, never guessed at.

Plain functions over objects with ``name`` and ``edition``: the data migration
passes its historical models, the workbook import the current ones.
"""

import re
import unicodedata


def match_text(text):
    """NFKC, without spaces: 「オープンデータ・官民データ 活用の推進」 finds its item."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def named_items(text, items, edition=None):
    """The national ``items`` whose names the text contains, in the order the text names them.

    A name found inside a longer name that is also found (セキュリティ対策 inside
    セキュリティ対策の徹底) counts only as the longer one. A name that two
    editions share counts when ``edition`` (the edition the plan aligns with)
    is one of them, or when only one edition has it.
    """
    haystack = match_text(text)
    if not haystack:
        return []
    by_name = {}
    for item in items:
        by_name.setdefault(match_text(item.name), []).append(item)
    spans = []  # (start, end, name)
    for name in sorted(by_name, key=len, reverse=True):
        if not name:
            continue
        for found in re.finditer(re.escape(name), haystack):
            start, end = found.span()
            if not any(s <= start and end <= e for s, e, _ in spans):
                spans.append((start, end, name))
    chosen = []
    for _start, _end, name in sorted(spans):
        item = _one_edition(by_name[name], edition)
        if item is not None and item not in chosen:
            chosen.append(item)
    return chosen


def _one_edition(candidates, edition):
    if len(candidates) == 1:
        return candidates[0]
    same = [item for item in candidates if item.edition == edition]
    return same[0] if len(same) == 1 else None
