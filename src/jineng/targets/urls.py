from django.urls import path

from jineng.targets import views

app_name = "targets"

urlpatterns = [
    path("targets/", views.plan_list, name="list"),
    path("targets/<int:pk>/", views.plan_detail, name="detail"),
    path("targets/<int:pk>/reallocate/", views.plan_reallocate, name="reallocate"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
]
