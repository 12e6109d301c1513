"""The staff's own pages: 担当の取組, the status form and the change history."""

from django.urls import path

from actions.status import views

urlpatterns = [
    path("staff/", views.landing, name="landing"),
    path("staff/items/", views.my_items, name="my_items"),
    path(
        "staff/items/<str:slug>/<int:year>/<path:code>/",
        views.edit_status,
        name="edit_status",
    ),
    path("staff/history/", views.audit_log, name="audit_log"),
    path("staff/history/export.csv", views.audit_log_csv, name="audit_log_csv"),
]
