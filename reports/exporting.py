"""Helpers every download uses: safe spreadsheet cells and Japanese file names."""

import re
from urllib.parse import quote

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise a text cell that a spreadsheet would run as a formula.

    Text starting with = + - @, a tab or a carriage return gets a leading
    apostrophe (the OWASP CSV-injection advice); numbers are left alone.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


UNSAFE_IN_FILENAMES = re.compile(r'[\x00-\x1f\x7f/\\<>:"*?|]+')


def content_disposition(filename, disposition="attachment"):
    """RFC 6266 / RFC 5987: an ASCII fallback plus the UTF-8 name.

    Characters that are not allowed in a Windows file name become 「_」.
    """
    filename = UNSAFE_IN_FILENAMES.sub("_", filename)
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "download"
    if ascii_name.startswith(".") or ascii_name.split(".")[0] == "":
        ascii_name = "download" + ascii_name
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
