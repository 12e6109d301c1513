"""Administrative terms a やさしい日本語 page shows as they are, outside <ruby>.

やさしい日本語 replaces 「判定不可」「再掲」「達成度（全取組を合算）」 with plain words
(「きめられない」…); where a term must stay, it carries its reading in <ruby>. The
glossary's own term headings (``<h2 id="term-…">``) name the terms they explain.
"""

from html.parser import HTMLParser

HARD_TERMS = ("判定不可", "再掲", "達成度（全取組を合算）")
# Shown to the reader although not text: the phones' card labels (data-label) among them.
ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "data-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
HIDDEN = {"script", "style", "template"}


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, exempt)
        self.found = []

    def _exempt_here(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        exempt = (
            self._exempt_here()
            or tag in HIDDEN
            or tag == "ruby"
            or (tag == "h2" and (attrs.get("id") or "").startswith("term-"))
        )
        if not self._exempt_here():
            for name in ATTRIBUTES:
                value = attrs.get(name) or ""
                self.found += [f"<{tag} {name}={value!r}>" for term in HARD_TERMS if term in value]
        if tag not in VOID:
            self.stack.append((tag, exempt))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if self._exempt_here():
            return
        context = self.stack[-1][0] if self.stack else "document"
        self.found += [f"<{context}> {data.strip()[:80]!r}" for term in HARD_TERMS if term in data]


def hard_terms_outside_ruby(html):
    finder = _Finder()
    # A word broken by <wbr> (the |phrases filter: 「判定<wbr>不可」) is still the word.
    finder.feed(html.replace("<wbr>", ""))
    finder.close()
    return finder.found
