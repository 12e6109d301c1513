"""The staff workflow: recording statuses, locking and publishing years, the audit log."""

from django.urls import path

from actions import views, year_views

app_name = "actions"
urlpatterns = [
    path("staff/", views.landing, name="landing"),
    path("staff/items/", views.my_items, name="my_items"),
    path(
        "staff/items/<str:slug>/<int:year>/<path:code>/",
        views.edit_status,
        name="edit_status",
    ),
    path("staff/years/", year_views.years, name="years"),
    path("staff/years/<str:slug>/<int:year>/lock/", year_views.lock_year, name="lock_year"),
    path("staff/years/<str:slug>/<int:year>/unlock/", year_views.unlock_year, name="unlock_year"),
    path(
        "staff/years/<str:slug>/<int:year>/publish/",
        year_views.publish_year,
        name="publish_year",
    ),
    path(
        "staff/years/<str:slug>/<int:year>/unpublish/",
        year_views.unpublish_year,
        name="unpublish_year",
    ),
    path("staff/history/", views.audit_log, name="audit_log"),
    path("staff/history/export.csv", views.audit_log_csv, name="audit_log_csv"),
]
