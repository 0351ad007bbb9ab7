from django.urls import path

from jineng.whatif import views

app_name = "whatif"

urlpatterns = [
    path("whatif/", views.index, name="list"),
    path("whatif/drafts/copy/", views.copy, name="copy"),
    path("whatif/drafts/<int:pk>/", views.draft_detail, name="draft"),
    path("whatif/drafts/<int:pk>/value/", views.set_value, name="set_value"),
    path("whatif/drafts/<int:pk>/text/", views.edit_text, name="edit_text"),
    path("whatif/drafts/<int:pk>/upload/", views.upload, name="upload"),
    path("whatif/drafts/<int:pk>/toml/", views.download_toml, name="toml"),
    path("whatif/replay/", views.replay, name="replay"),
    path("whatif/scenarios/<int:pk>/", views.scenario, name="scenario"),
    path("whatif/scenarios/<int:pk>/<str:fmt>/", views.export, name="export"),
    path("whatif/compare/", views.compare, name="compare"),
]
