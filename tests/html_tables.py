"""Read the tables of a rendered page as their cells, so tests check a figure where it is shown.

A test that looks for 「87.5%」 anywhere in the page passes when the figure moves to the
wrong row or column; reading the cell under its row and column header does not.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Table:
    caption: str = ""
    head: list = field(default_factory=list)  # rows of header texts (thead)
    body: list = field(default_factory=list)  # rows of cell texts (tbody)
    foot: list = field(default_factory=list)  # rows of cell texts (tfoot)

    @property
    def columns(self):
        return self.head[-1] if self.head else []

    def row(self, header, section="body"):
        """The first row whose first cell is ``header`` (exactly), as {column header: text}."""
        for cells in getattr(self, section):
            if cells and cells[0] == header:
                return dict(zip(self.columns, cells, strict=False))
        found = [cells[0] for cells in getattr(self, section) if cells]
        raise KeyError(f"{header!r} は表「{self.caption}」の行にありません: {found}")

    def rows(self, section="body"):
        return [dict(zip(self.columns, cells, strict=False)) for cells in getattr(self, section)]


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = []
        self._stack = []  # tables being read (a table may sit inside a cell)

    @property
    def _table(self):
        return self._stack[-1] if self._stack else None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._stack.append(
                {
                    "table": Table(),
                    "section": "body",
                    "row": None,
                    "cell": None,
                    "in_caption": False,
                }
            )
            return
        state = self._table
        if state is None:
            return
        if tag == "caption":
            state["in_caption"] = True
        elif tag in ("thead", "tbody", "tfoot"):
            state["section"] = {"thead": "head", "tbody": "body", "tfoot": "foot"}[tag]
        elif tag == "tr":
            state["row"] = []
        elif tag in ("td", "th"):
            state["cell"] = []
            state["colspan"] = int(attrs.get("colspan") or 1)
        elif tag == "br" and state["cell"] is not None:
            state["cell"].append(" ")

    def handle_endtag(self, tag):
        state = self._table
        if state is None:
            return
        if tag == "table":
            self.tables.append(self._stack.pop()["table"])
        elif tag == "caption":
            state["in_caption"] = False
        elif tag in ("td", "th") and state["cell"] is not None and state["row"] is not None:
            text = " ".join("".join(state["cell"]).split())
            state["row"].append(text)
            state["row"].extend([""] * (state["colspan"] - 1))
            state["cell"] = None
        elif tag == "tr" and state["row"] is not None:
            getattr(state["table"], state["section"]).append(state["row"])
            state["row"] = None

    def handle_data(self, data):
        state = self._table
        if state is None:
            return
        if state["in_caption"]:
            state["table"].caption += data.strip() if not state["table"].caption else data
        elif state["cell"] is not None:
            state["cell"].append(data)


def tables(html):
    """Every table of the page, in document order."""
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    for table in parser.tables:
        table.caption = " ".join(table.caption.split())
    return parser.tables


def table(html, caption_contains):
    """The one table whose caption contains the text; fails loudly if there is none or several."""
    found = [t for t in tables(html) if caption_contains in t.caption]
    captions = [t.caption for t in tables(html)]
    assert len(found) == 1, f"表「{caption_contains}」が {len(found)} 個あります: {captions}"
    return found[0]
