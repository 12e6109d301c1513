"""The year's progress report (年次報告書): one content model, one renderer per format.

content.build_report collects every figure once from reports.achievement and
the stored narrative (reports.models); docx, xlsx, pdf and the HTML template
lay it out. render() picks the renderer by format name.
"""

FORMATS = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
    "html": ("text/html; charset=utf-8", "html"),
}


def render(content, fmt):
    """The report as bytes in ``fmt`` (docx, xlsx, pdf, html)."""
    if fmt == "docx":
        from reports.yearly_report.docx import render_docx

        return render_docx(content)
    if fmt == "xlsx":
        from reports.yearly_report.xlsx import render_xlsx

        return render_xlsx(content)
    if fmt == "pdf":
        from reports.yearly_report.pdf import render_pdf

        return render_pdf(content)
    if fmt == "html":
        from reports.yearly_report.html import render_html

        return render_html(content)
    raise ValueError(f"unknown format: {fmt}")


def filename(content, fmt):
    """「nakai-dx-1.0_令和7年度_進捗報告書.docx」 (案 for a draft)."""
    era_year = content.year_label.split("（")[0]
    draft = "_案" if content.is_draft else ""
    return f"{content.plan.slug}_{era_year}_進捗報告書{draft}.{FORMATS[fmt][1]}"
