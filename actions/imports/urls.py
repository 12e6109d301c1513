"""Spreadsheet import and export (/imports/): downloads for managers, uploads for admins."""

from django.urls import path

from actions.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template_download, name="template"),
    path("export/<str:slug>/", views.export_plan, name="export"),
    path("upload/", views.upload, name="upload"),
    path("confirm/", views.confirm, name="confirm"),
    path("jobs/<uuid:job_id>/", views.job_page, name="job"),
    path("jobs/<uuid:job_id>/status.json", views.job_status, name="job_status"),
]
