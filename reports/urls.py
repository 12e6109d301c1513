from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/areas/<int:number>/", views.area_detail, name="area"),
    path("plans/<slug:slug>/items/<int:number>/", views.item_detail, name="item"),
    path("opendata/", views.opendata_index, name="opendata"),
]
