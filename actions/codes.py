"""取組番号 as towns write them: 「12」, 「A-01」, 「1-(2)-③」, 「①」, 「Ⅱ-3」, 「防1」.

An item keeps its code as typed, for display. Two derived values serve the
machine: ``code_key`` says which item a typed code means (「Ａ－０１」 and
「A-01」 are the same item; 12, 「12」 and 「１２」 too) and ``sort_key`` puts
codes in natural order (A-2 before A-10, 1-(2) before 1-(10)).

NFKC alone would make 「①」 the same as 「1」 and 「Ⅱ」 the same as 「II」;
towns use circled and Roman numerals as numbering levels of their own, so
those characters are kept as they are.
"""

import re
import unicodedata

MAX_LENGTH = 30

# Circled numbers ①–⑳ ㉑–㉟ ㊱–㊿ ⓪ ❶–❿ and Roman numerals Ⅰ–ↈ: their numeric value orders them.
_CIRCLED = {
    **{chr(0x2460 + i): i + 1 for i in range(20)},
    **{chr(0x3251 + i): i + 21 for i in range(15)},
    **{chr(0x32B1 + i): i + 36 for i in range(15)},
    "\u24ea": 0,
    **{chr(0x2776 + i): i + 1 for i in range(10)},
}
_ROMAN = {
    **{chr(0x2160 + i): i + 1 for i in range(12)},
    **{chr(0x2170 + i): i + 1 for i in range(12)},
    "\u216c": 50,
    "\u216d": 100,
    "\u216e": 500,
    "\u216f": 1000,
    "\u217c": 50,
    "\u217d": 100,
    "\u217e": 500,
    "\u217f": 1000,
}
_KEPT = set(_CIRCLED) | set(_ROMAN)
# Dashes Japanese input produces besides the ASCII hyphen (NFKC leaves these alone).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"), "-")
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[0-9]+|.", re.DOTALL)
_NUMBER_WIDTH = 12


class InvalidCode(ValueError):
    pass


def as_text(value):
    """A cell's value as code text: Excel's 12.0 is 「12」."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def normalise(value):
    """The matching key of a code: NFKC except circled/Roman numerals, no spaces, upper case."""
    text = as_text(value)
    parts, plain = [], []
    for char in text:
        if char in _KEPT:
            parts.append(unicodedata.normalize("NFKC", "".join(plain)))
            parts.append(char)
            plain = []
        else:
            plain.append(char)
    parts.append(unicodedata.normalize("NFKC", "".join(plain)))
    key = _SPACE.sub("", "".join(parts).translate(_DASHES)).upper()
    if not key:
        raise InvalidCode("取組番号が空です。")
    if len(key) > MAX_LENGTH:
        raise InvalidCode(f"取組番号は{MAX_LENGTH}文字以内にしてください。")
    if any(unicodedata.category(char) == "Cc" for char in key):
        raise InvalidCode("取組番号に制御文字は使えません。")
    return key


def sort_key(key):
    """A string that sorts codes naturally under any database collation.

    Every token becomes a fixed-width run of digits and lower-case hex (which
    every collation orders alike): a type digit, then the number or the code
    point. Numbers of one kind compare by value, so A-2 comes before A-10 and
    ② before ⑩.
    """
    out = []
    for token in _TOKEN.findall(key):
        if token.isdigit() and token.isascii():
            digits = token.lstrip("0") or "0"
            if len(digits) <= _NUMBER_WIDTH:
                out.append("1" + digits.rjust(_NUMBER_WIDTH, "0"))
                continue
            out.extend("4" + f"{ord(char):06x}".rjust(_NUMBER_WIDTH, "0") for char in token)
        elif token in _CIRCLED:
            out.append("2" + str(_CIRCLED[token]).rjust(_NUMBER_WIDTH, "0"))
        elif token in _ROMAN:
            out.append("3" + str(_ROMAN[token]).rjust(_NUMBER_WIDTH, "0"))
        else:
            out.append("4" + f"{ord(token):06x}".rjust(_NUMBER_WIDTH, "0"))
    return "".join(out)


SORT_KEY_LENGTH = MAX_LENGTH * (_NUMBER_WIDTH + 1)
