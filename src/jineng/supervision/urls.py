from django.urls import path

from jineng.supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.finding_list, name="list"),
    path("supervision/run/", views.run_checks, name="run"),
    path("supervision/findings/<int:pk>/", views.finding_detail, name="finding"),
    path("supervision/findings/<int:pk>/evidence/", views.full_evidence, name="full-evidence"),
    path("supervision/findings/<int:pk>/assign/", views.assign, name="assign"),
    path("supervision/findings/<int:pk>/clear/", views.clear, name="clear"),
    path("supervision/findings/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("supervision/findings/<int:pk>/onsite/", views.onsite_check, name="onsite"),
    path("supervision/photos/<int:pk>/", views.photo, name="photo"),
    path("supervision/institutions/<int:pk>/", views.institution_findings, name="institution"),
]
