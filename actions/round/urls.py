"""The round (評価作業): submit, approve, send back, the progress board, opening and closing."""

from django.urls import path

from actions.round import views

urlpatterns = [
    path("staff/items/submit/", views.submit, name="submit"),
    path("staff/progress/", views.progress_board, name="progress"),
    path("staff/progress/items/", views.progress_items, name="progress_items"),
    path("staff/approvals/", views.approvals, name="approvals"),
    path("staff/approvals/approve/", views.approve, name="approve"),
    path(
        "staff/send-back/<str:slug>/<int:year>/<path:code>/",
        views.send_back,
        name="send_back",
    ),
    path("staff/round/<str:slug>/<int:year>/open/", views.open_round, name="open_round"),
    path(
        "staff/round/<str:slug>/<int:year>/deadline/",
        views.change_deadline,
        name="change_deadline",
    ),
    path("staff/round/<str:slug>/<int:year>/close/", views.close_round, name="close_round"),
]
