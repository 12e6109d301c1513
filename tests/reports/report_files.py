"""Reading the generated report files back (not a test module): Word, Excel, PDF."""

import io
import re

import docx
import openpyxl
import pypdf


def docx_document(data):
    return docx.Document(io.BytesIO(data))


def docx_tables(data):
    """Every table of the Word file as rows of cell texts."""
    return [
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in docx_document(data).tables
    ]


def docx_table(data, first_header):
    return next(table for table in docx_tables(data) if table[0][0] == first_header)


def docx_text(data):
    document = docx_document(data)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def workbook(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_rows(data, name):
    """The data rows of a sheet (below its title row and header row), as values."""
    sheet = workbook(data)[name]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    return [row for row in rows if any(value is not None for value in row)]


def pdf_pages(data, layout=True):
    reader = pypdf.PdfReader(io.BytesIO(data))
    mode = "layout" if layout else "plain"
    return [page.extract_text(extraction_mode=mode) for page in reader.pages]


def pdf_lines(data):
    """Every line of the PDF as pdftotext -layout reads it, its runs of spaces made one."""
    return [
        re.sub(r"\s+", " ", line).strip()
        for page in pdf_pages(data)
        for line in page.splitlines()
        if line.strip()
    ]


def pdf_flat(data):
    """The PDF's text in drawing order with every space and line break removed."""
    return re.sub(r"\s", "", "".join(pdf_pages(data, layout=False)))
