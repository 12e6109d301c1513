"""The Django admin's downloads: every admin that exports mixes this in.

Downloads are CSV, TSV and xlsx only, with every cell through
reports.exporting.safe_cell (a title like =HYPERLINK(...) stays text in
Excel). A filter the change list would refuse (?plan=abc) sends the admin
back to the list with a message instead of a server error. Uploads do not go
through the admin at all: spreadsheets come in through /imports/.
"""

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.shortcuts import redirect
from import_export.admin import ExportMixin

from reports.exporting import ADMIN_EXPORT_FORMATS


class SafeExportMixin(ExportMixin):
    @property
    def export_formats(self):
        return ADMIN_EXPORT_FORMATS

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(
                request,
                "絞り込みの条件が正しくないため、書き出せません。一覧で条件を選び直してください。",
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
