from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/<str:slug>/areas/<int:number>/", views.area_detail, name="area"),
    path("plans/<str:slug>/items/<path:code>/", views.item_detail, name="item"),
    path("opendata/", views.opendata_index, name="opendata"),
    path("opendata/achievement.json", views.opendata_json, name="opendata_json"),
    path("opendata/achievement.csv", views.opendata_csv, name="opendata_csv"),
    path("accessibility/", views.accessibility_policy, name="accessibility"),
]
