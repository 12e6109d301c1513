"""The spreadsheet exchange format: one workbook (or CSV per sheet) for a plan's data.

``sheets`` defines the sheets and columns, ``reader`` opens uploads safely,
``values`` parses what people type into cells, ``importer`` validates and
applies a workbook (with ``table``, ``checks``, ``masters``, ``yearly``,
``apply`` and ``results``), ``exporter`` writes exports and the blank template.
"""
