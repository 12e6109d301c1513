"""確定 and 公表 of a fiscal year's evaluation, and taking them back."""

from django.urls import path

from actions.years import views

urlpatterns = [
    path("staff/years/", views.years, name="years"),
    path("staff/years/<str:slug>/<int:year>/lock/", views.lock_year, name="lock_year"),
    path("staff/years/<str:slug>/<int:year>/unlock/", views.unlock_year, name="unlock_year"),
    path("staff/years/<str:slug>/<int:year>/publish/", views.publish_year, name="publish_year"),
    path(
        "staff/years/<str:slug>/<int:year>/unpublish/",
        views.unpublish_year,
        name="unpublish_year",
    ),
]
