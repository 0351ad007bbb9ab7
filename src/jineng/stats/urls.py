from django.urls import path

from jineng.stats import views

app_name = "stats"

urlpatterns = [
    path("stats/", views.index, name="index"),
    path("stats/measure/", views.measure_rows, name="measure-rows"),
    path("stats/indicator/", views.indicator_rows, name="indicator-rows"),
]
