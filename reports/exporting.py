"""Helpers every download uses: safe spreadsheet cells and Japanese file names.

safe_cell is the one place a cell is neutralised: the workbook export, the
public tables, open data, the audit-log CSV and the Django admin's exports
(ADMIN_EXPORT_FORMATS) all pass their cells through it.
"""

import re
from urllib.parse import quote

import tablib
from import_export.formats import base_formats

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


# --- the Django admin's exports (django-import-export) -------------------------------


def safe_dataset(dataset):
    """A copy of a tablib Dataset with every cell, headers included, through safe_cell."""
    clean = tablib.Dataset(headers=[safe_cell(name) for name in dataset.headers or []])
    clean.title = dataset.title
    for row in dataset:
        clean.append([safe_cell(value) for value in row])
    return clean


class _Neutralised:
    def export_data(self, dataset, **kwargs):
        return super().export_data(safe_dataset(dataset), **kwargs)


class SafeCSV(_Neutralised, base_formats.CSV):
    pass


class SafeTSV(_Neutralised, base_formats.TSV):
    pass


class SafeXLSX(_Neutralised, base_formats.XLSX):
    pass


# The admin offers the three spreadsheet formats only, each cell neutralised.
ADMIN_EXPORT_FORMATS = [SafeCSV, SafeTSV, SafeXLSX]
