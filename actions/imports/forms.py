"""Forms of the spreadsheet import: the upload and its confirmation."""

from django import forms
from django.conf import settings

from actions.imports.workbook.reader import ImportRefused, check_size


class UploadForm(forms.Form):
    file = forms.FileField(
        label="取り込むファイル",
        help_text="Excel ブック（.xlsx）、または1シート分の CSV（UTF-8 / Shift_JIS）。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size the upload handler counted, before a byte of it is parsed.
        try:
            check_size(upload.size)
        except ImportRefused as exc:
            raise forms.ValidationError(str(exc), code="too_large") from exc
        return upload

    @property
    def max_bytes(self):
        return settings.IMPORT_MAX_UPLOAD_BYTES


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
