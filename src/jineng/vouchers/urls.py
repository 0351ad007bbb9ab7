from django.urls import path

from jineng.vouchers import views

app_name = "vouchers"

urlpatterns = [
    path("vouchers/", views.voucher_list, name="list"),
    path("vouchers/issue/", views.issue, name="issue"),
    path("vouchers/mine/", views.mine, name="mine"),
    path("vouchers/redeem/", views.redeem, name="redeem"),
    path("vouchers/dashboard/", views.dashboard, name="dashboard"),
    path("vouchers/rules/", views.rules, name="rules"),
    path("vouchers/rules/<int:pk>/", views.rule_detail, name="rule"),
    path("vouchers/rules/<int:pk>/run/", views.rule_run, name="rule-run"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="detail"),
    path("vouchers/<int:pk>/claim/", views.claim, name="claim"),
    path("vouchers/<int:pk>/void/", views.void, name="void"),
    path("vouchers/<int:pk>/settle/", views.settle, name="settle"),
]
