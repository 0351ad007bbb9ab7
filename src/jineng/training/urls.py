from django.urls import path

from jineng.training import views

app_name = "training"

urlpatterns = [
    path("classes/", views.class_list, name="list"),
    path("classes/new/", views.class_create, name="new"),
    path("classes/review/", views.review_queue, name="review"),
    path("classes/review/decide/", views.review_bulk, name="review-bulk"),
    path("classes/devices/", views.devices, name="devices"),
    path("classes/late-attendance/", views.late_marks, name="late-marks"),
    path(
        "classes/late-attendance/<int:pk>/decide/",
        views.decide_late_mark,
        name="late-mark-decide",
    ),
    path(
        "classes/devices/<int:pk>/deactivate/",
        views.deactivate_device,
        name="device-deactivate",
    ),
    path("classes/<int:pk>/", views.class_detail, name="detail"),
    path("classes/<int:pk>/edit/", views.class_edit, name="edit"),
    path("classes/<int:pk>/state/", views.change_state, name="change-state"),
    path("classes/<int:pk>/complete/", views.complete, name="complete"),
    path("classes/<int:pk>/sessions/", views.add_session, name="add-session"),
    path(
        "classes/<int:pk>/sessions/<int:session_pk>/remove/",
        views.remove_session,
        name="remove-session",
    ),
    path("classes/<int:pk>/enrollments/", views.enrol, name="enrol"),
    path(
        "classes/<int:pk>/enrollments/<int:enrollment_pk>/withdraw/",
        views.withdraw_enrollment,
        name="withdraw-enrollment",
    ),
    path(
        "classes/<int:pk>/enrollments/<int:enrollment_pk>/assessment/",
        views.set_assessment,
        name="assessment",
    ),
    path("classes/<int:pk>/attendance/", views.hand_mark, name="mark"),
    path("classes/<int:pk>/commitment/", views.download_commitment, name="commitment"),
    path(
        "classes/<int:pk>/commitment/upload/",
        views.upload_commitment,
        name="commitment-upload",
    ),
]
