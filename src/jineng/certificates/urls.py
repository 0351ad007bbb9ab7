from django.urls import path

from jineng.certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path(".well-known/jineng-cert-keys.json", views.keys, name="keys"),
    path("certificates/", views.certificate_list, name="list"),
    path("certificates/<int:pk>/", views.certificate_detail, name="detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
]
