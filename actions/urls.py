"""The staff workflow: recording statuses, the round (submit, approve, send back, progress),
locking and publishing years, the audit log."""

from django.urls import path

from actions import round_views, views, year_views

app_name = "actions"
urlpatterns = [
    path("staff/", views.landing, name="landing"),
    path("staff/items/", views.my_items, name="my_items"),
    path(
        "staff/items/<str:slug>/<int:year>/<path:code>/",
        views.edit_status,
        name="edit_status",
    ),
    path("staff/items/submit/", round_views.submit, name="submit"),
    path("staff/progress/", round_views.progress_board, name="progress"),
    path("staff/progress/items/", round_views.progress_items, name="progress_items"),
    path("staff/approvals/", round_views.approvals, name="approvals"),
    path("staff/approvals/approve/", round_views.approve, name="approve"),
    path(
        "staff/send-back/<str:slug>/<int:year>/<path:code>/",
        round_views.send_back,
        name="send_back",
    ),
    path("staff/round/<str:slug>/<int:year>/open/", round_views.open_round, name="open_round"),
    path(
        "staff/round/<str:slug>/<int:year>/deadline/",
        round_views.change_deadline,
        name="change_deadline",
    ),
    path("staff/round/<str:slug>/<int:year>/close/", round_views.close_round, name="close_round"),
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
