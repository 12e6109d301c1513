"""Spreadsheet import and export (admin only)."""

app_name = "imports"
urlpatterns = []
