from django.urls import path

from jineng.offers import views

app_name = "offers"

urlpatterns = [
    path("offers/", views.offer_list, name="list"),
    path("offers/register/", views.register, name="register"),
    path("offers/mine/", views.mine, name="mine"),
    path("offers/manage/", views.manage, name="manage"),
    path("offers/manage/<int:pk>/", views.applications, name="applications"),
    path("offers/manage/<int:pk>/attach/", views.attach, name="attach"),
    path("offers/manage/<int:pk>/close/", views.close, name="close"),
    path("offers/<int:pk>/", views.offer_detail, name="detail"),
    path("offers/<int:pk>/apply/", views.apply, name="apply"),
    path("offers/sign-ups/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("offers/sign-ups/<int:pk>/accept/", views.accept, name="accept"),
    path("offers/sign-ups/<int:pk>/decline/", views.decline, name="decline"),
]
