"""Japanese text an English page shows outside ``lang="ja"`` elements."""

import re
from html.parser import HTMLParser

JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff01-\uff60\uffe0-\uffe6]")
ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "aria-description")
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Not shown as text: scripts (the charts' data is checked through their tables), styles,
# and the figures' JSON.
HIDDEN = {"script", "style", "template"}


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, inside a Japanese element, hidden)
        self.found = []

    def _japanese_here(self):
        return bool(self.stack) and self.stack[-1][1]

    def _hidden_here(self):
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        japanese = lang.startswith("ja") if lang is not None else self._japanese_here()
        hidden = self._hidden_here() or tag in HIDDEN
        if not japanese and not hidden:
            for name in ATTRIBUTES:
                if JAPANESE.search(attrs.get(name) or ""):
                    self.found.append(f"<{tag} {name}={attrs[name]!r}>")
            if (
                tag == "meta"
                and attrs.get("name") == "description"
                and JAPANESE.search(attrs.get("content") or "")
            ):
                self.found.append(f"<meta description {attrs['content']!r}>")
        if tag not in VOID:
            self.stack.append((tag, japanese, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self._japanese_here() and not self._hidden_here() and JAPANESE.search(data):
            context = self.stack[-1][0] if self.stack else "document"
            self.found.append(f"<{context}> {data.strip()[:80]!r}")


def japanese_outside_lang_ja(html):
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found
