from django.urls import path

from jineng.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("evaluations/", views.booking_list, name="list"),
    path("evaluations/book/<int:class_pk>/", views.book, name="book"),
    path("evaluations/<int:pk>/", views.booking_detail, name="detail"),
    path("evaluations/<int:pk>/accept/", views.accept, name="accept"),
    path("evaluations/<int:pk>/decline/", views.decline, name="decline"),
    path("evaluations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("evaluations/<int:pk>/date/", views.move_date, name="move-date"),
    path("evaluations/<int:pk>/exception/", views.grant_exception, name="exception"),
    path("evaluations/<int:pk>/finish/", views.finish, name="finish"),
    path("evaluations/<int:pk>/results/", views.record_results, name="results"),
    path("evaluations/<int:pk>/agreements/", views.record_agreement, name="agreements"),
    path(
        "evaluations/<int:pk>/agreements/<int:agreement_pk>/scan/",
        views.agreement_scan,
        name="agreement-scan",
    ),
    path(
        "evaluations/<int:pk>/agreements/<int:agreement_pk>/scan/upload/",
        views.attach_agreement_scan,
        name="agreement-scan-upload",
    ),
]
