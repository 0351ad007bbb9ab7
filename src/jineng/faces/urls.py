from django.urls import path

from jineng.faces import views

app_name = "faces"

urlpatterns = [
    path("faces/people/<int:pk>/", views.person, name="person"),
    path("faces/people/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("faces/door/", views.door_sessions, name="door-sessions"),
    path("faces/sessions/<int:pk>/door/", views.door, name="door"),
    path("faces/sessions/<int:pk>/check-in/", views.door_check_in, name="check-in"),
    path("faces/mismatches/", views.mismatches, name="mismatches"),
    path("faces/mismatches/<int:pk>/photo/", views.mismatch_photo, name="photo"),
    path(
        "faces/mismatches/<int:pk>/photo/enrolled/",
        views.mismatch_photo,
        {"which": "enrolled"},
        name="photo-enrolled",
    ),
    path("faces/mismatches/<int:pk>/review/", views.review, name="review"),
]
