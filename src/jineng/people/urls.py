from django.urls import path

from jineng.people import views

app_name = "people"

urlpatterns = [
    path("people/", views.person_list, name="list"),
    path("people/register/", views.register, name="register"),
    path("people/<int:pk>/", views.person_detail, name="detail"),
    path("people/<int:pk>/id-number/", views.reveal_id_number, name="reveal"),
    path("people/<int:pk>/education/", views.add_education, name="education"),
    path("people/<int:pk>/education/remove/", views.remove_education, name="education-remove"),
    path("people/<int:pk>/licences/", views.add_licence, name="add-licence"),
    path(
        "people/<int:pk>/licences/<int:licence_pk>/",
        views.change_licence,
        name="change-licence",
    ),
]
