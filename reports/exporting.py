"""Helpers every download uses: safe spreadsheet cells and Japanese file names."""

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


def content_disposition(filename, disposition="attachment"):
    """RFC 6266 / RFC 5987: an ASCII fallback plus the UTF-8 name."""
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "download"
    if ascii_name.startswith(".") or ascii_name.split(".")[0] == "":
        ascii_name = "download" + ascii_name
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
