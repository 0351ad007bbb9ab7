from django.urls import path

from jineng.catalog import views

app_name = "catalog"

urlpatterns = [
    path("catalogs/", views.index, name="index"),
    path("catalogs/<slug:slug>/", views.catalog_list, name="list"),
    path("catalogs/<slug:slug>/<int:pk>/", views.catalog_detail, name="detail"),
    path("catalogs/<slug:slug>/export.xlsx", views.catalog_export, name="export"),
    path("catalogs/<slug:slug>/template.xlsx", views.catalog_template, name="template"),
    path("policies/", views.pack_list, name="pack-list"),
    path("policies/<int:pk>/", views.pack_detail, name="pack-detail"),
    path("policies/<int:pk>/assumed.xlsx", views.pack_assumed_export, name="pack-assumed"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
]
