from django.urls import path

from jineng.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/generate/", views.generate, name="generate"),
    path("reports/dispatch/", views.dispatch_table, name="dispatch"),
    path("reports/<int:pk>/<str:fmt>/", views.download, name="download"),
]
