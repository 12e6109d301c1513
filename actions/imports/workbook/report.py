"""What a dry run found, kept as JSON on its ImportJob and shown again on any reload.

The dry run runs in the background worker; the page that shows it is a later
request. dry_run_report turns a validated WorkbookImport into plain data
(the first MAX_* errors and changes, every count), and preview_context turns
that back into the objects templates/imports/preview.html (and
_people_and_warnings.html) show. Values are stored as shown (Change.shown_fields).
"""

from dataclasses import asdict

from actions.imports.workbook.results import Change, RowError, RowWarning, SheetSummary

MAX_CHANGES_SHOWN = 300
MAX_ERRORS_SHOWN = 1000
MAX_WARNINGS_SHOWN = 500


class Counted(list):
    """The first rows of a longer list, whose length (``|length``) is the whole count."""

    def __init__(self, shown, total):
        super().__init__(shown)
        self.total = total

    def __len__(self):
        return self.total


def dry_run_report(workbook):
    changes = [
        {
            "sheet": change.sheet,
            "row": change.row,
            "kind": change.kind,
            "key": str(change.key),
            "fields": [list(field) for field in change.shown_fields],
        }
        for change in workbook.changes[:MAX_CHANGES_SHOWN]
    ]
    return {
        "ok": workbook.ok,
        "total_writes": workbook.total_writes,
        "error_count": len(workbook.errors),
        "errors": [asdict(error) for error in workbook.errors[:MAX_ERRORS_SHOWN]],
        "change_count": len(workbook.changes),
        "changes": changes,
        "summaries": [asdict(summary) for summary in workbook.present_summaries],
        "warning_count": len(workbook.warnings),
        "warnings": [asdict(w) for w in workbook.warnings[:MAX_WARNINGS_SHOWN]],
        "warning_counts": [list(pair) for pair in workbook.warning_counts],
        "new_sections": [
            {"name": section.name, "first_row": list(getattr(section, "first_row", ("", "")))}
            for section in workbook.new_sections
        ],
        "new_accounts": [
            {
                "username": account.username,
                "last_name": account.last_name,
                "first_name": account.first_name,
                "roles": list(account.roles),
                "sections": [str(section) for section in account.sections],
            }
            for account in workbook.new_accounts
        ],
    }


class StoredDryRun:
    """The dry run as the preview template reads it (``job.errors``, ``job.warnings`` …)."""

    def __init__(self, report):
        self.errors = [RowError(**error) for error in report.get("errors", [])]
        self.warnings = Counted(
            [RowWarning(**warning) for warning in report.get("warnings", [])],
            report.get("warning_count", 0),
        )
        self.warning_counts = [tuple(pair) for pair in report.get("warning_counts", [])]
        self.new_sections = report.get("new_sections", [])
        self.new_accounts = report.get("new_accounts", [])
        self.total_writes = report.get("total_writes", 0)
        self.ok = report.get("ok", False)


def preview_context(report):
    job = StoredDryRun(report)
    error_count = report.get("error_count", len(job.errors))
    change_count = report.get("change_count", 0)
    changes = [
        Change(c["sheet"], c["row"], c["kind"], c["key"], [tuple(f) for f in c["fields"]])
        for c in report.get("changes", [])
    ]
    return {
        "job": job,
        "error_count": error_count,
        "summaries": [SheetSummary(**summary) for summary in report.get("summaries", [])],
        "errors": job.errors,
        "errors_hidden": max(error_count - len(job.errors), 0),
        "changes": changes,
        "changes_hidden": max(change_count - len(changes), 0),
    }
