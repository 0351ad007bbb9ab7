from django.urls import path

from jineng.portal import views

app_name = "portal"

urlpatterns = [
    path("me/classes/", views.classes, name="classes"),
    path("me/evaluations/", views.evaluations, name="evaluations"),
    path("me/certificates/", views.certificates, name="certificates"),
    path("me/subsidies/", views.subsidies, name="subsidies"),
    path("me/notices/", views.notices, name="notices"),
    path("me/notices/<int:pk>/object/", views.lodge_objection, name="object"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.read_all, name="read-all"),
    path("me/data/", views.data, name="data"),
    path("me/data/copy/", views.data_download, name="data-copy"),
    path("me/data/consent/", views.consent, name="consent"),
    path("me/data/phone/", views.phone, name="phone"),
    path("me/data/phone/confirm/", views.phone_confirm, name="phone-confirm"),
    path("me/data/correction/", views.correction, name="correction"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/answer/", views.answer, name="answer"),
]
