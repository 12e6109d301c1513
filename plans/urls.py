from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("plans/", views.plan_index, name="index"),
    path("plans/<str:slug>/", views.plan_detail, name="detail"),
    path("timeline/", views.timeline, name="timeline"),
]
