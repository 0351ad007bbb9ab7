from django.urls import path

from jineng.core import import_views, twofactor_views, views

app_name = "core"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("users/", views.user_list, name="user-list"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit-detail"),
    path("audit/export/", views.audit_export, name="audit-export"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/two-factor/", twofactor_views.account_two_factor, name="account-two-factor"),
    path("account/tokens/", twofactor_views.account_tokens, name="account-tokens"),
    path("account/tokens/<int:pk>/revoke/", twofactor_views.revoke_token, name="revoke-token"),
    path(
        "users/<int:pk>/two-factor/reset/",
        twofactor_views.reset_two_factor,
        name="reset-two-factor",
    ),
    path("imports/", import_views.job_list, name="import-list"),
    path("imports/new/<slug:kind>/", import_views.job_new, name="import-new"),
    path("imports/template/<slug:kind>.xlsx", import_views.template, name="import-template"),
    path("imports/<int:pk>/", import_views.job_detail, name="import-detail"),
    path("imports/<int:pk>/errors.xlsx", import_views.job_errors, name="import-errors"),
    path("imports/<int:pk>/rerun/", import_views.job_rerun, name="import-rerun"),
]
