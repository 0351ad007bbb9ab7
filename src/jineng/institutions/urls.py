from django.urls import path

from jineng.institutions import views

app_name = "institutions"

urlpatterns = [
    path("institutions/", views.institution_list, name="list"),
    path("institutions/<int:pk>/", views.institution_detail, name="detail"),
    path("institutions/<int:pk>/state/", views.change_state, name="change-state"),
    path("institutions/<int:pk>/designations/", views.designate, name="designate"),
    path("institutions/<int:pk>/profile/", views.update_profile, name="update-profile"),
    path("institutions/<int:pk>/requests/", views.request_designation, name="request"),
    path("institutions/<int:pk>/requests/<int:request_pk>/", views.answer_request, name="answer"),
    path("institutions/<int:pk>/inspections/", views.record_inspection, name="inspect"),
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("enterprises/new/", views.enterprise_new, name="enterprise-new"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("enterprises/<int:pk>/evidence/", views.enterprise_evidence, name="enterprise-evidence"),
    path("institutions/lists/", views.year_lists, name="year-lists"),
    path("institutions/lists/publish/", views.publish_year_list, name="publish-list"),
    path("directory/", views.directory, name="directory"),
    path("evaluation-orgs/<int:pk>/", views.evaluation_org_detail, name="evaluation-org"),
    path("evaluation-orgs/<int:pk>/codes/", views.set_numbering_codes, name="set-codes"),
]
