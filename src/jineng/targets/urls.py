from django.urls import path

from jineng.targets import views

app_name = "targets"

urlpatterns = [
    path("targets/", views.plan_list, name="list"),
    path("targets/<int:pk>/", views.plan_detail, name="detail"),
    path("targets/<int:pk>/reallocate/", views.plan_reallocate, name="reallocate"),
    path("targets/new/", views.plan_create, name="create"),
    path("targets/measures/", views.measure_list, name="measures"),
    path("targets/measures/new/", views.measure_create, name="measure_create"),
    path("targets/programmes/", views.programme_list, name="programmes"),
    path("targets/programmes/new/", views.programme_create, name="programme_create"),
    path("targets/programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
]
