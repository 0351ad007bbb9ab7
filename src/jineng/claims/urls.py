from django.urls import path

from jineng.claims import views

app_name = "claims"

urlpatterns = [
    path("claims/", views.claim_list, name="list"),
    path("claims/review/", views.review_queue, name="review"),
    path("claims/review/bulk/", views.review_bulk, name="review-bulk"),
    path("claims/new/", views.claim_new, name="new"),
    path("claims/new/class/<int:pk>/", views.claim_class, name="new-class"),
    path("claims/new/booking/<int:pk>/", views.claim_booking, name="new-booking"),
    path("claims/new/employment/", views.claim_employment, name="new-employment"),
    path("claims/agreements/", views.agreement_list, name="agreements"),
    path("claims/<int:pk>/", views.claim_detail, name="detail"),
    path("claims/<int:pk>/submit/", views.submit, name="submit"),
    path("claims/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("claims/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("claims/<int:pk>/top-up/", views.top_up, name="top-up"),
    path("claims/<int:pk>/lines/review/", views.review_lines, name="review-lines"),
    path("claims/<int:pk>/approve/", views.approve_claim, name="approve"),
    path("claims/<int:pk>/finish-review/", views.finish_review, name="finish-review"),
    path("claims/<int:pk>/reject/", views.reject_claim, name="reject"),
    path("claims/<int:pk>/notice/publish/", views.publish_notice, name="publish"),
    path("claims/<int:pk>/notice/end/", views.end_notice, name="end-notice"),
    path(
        "claims/objections/<int:pk>/resolve/", views.resolve_objection, name="resolve-objection"
    ),  # fmt: skip
    path("claims/lines/<int:pk>/recovery/", views.open_recovery, name="open-recovery"),
    path("claims/payments/", views.payments, name="payments"),
    path("claims/payments/new/", views.new_batch, name="new-batch"),
    path("claims/batches/<int:pk>/", views.batch_detail, name="batch"),
    path("claims/batches/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("claims/batches/<int:pk>/outcomes/", views.record_outcomes, name="outcomes"),
    path(
        "claims/batches/<int:pk>/lines/<int:line>/paid-before-stop/",
        views.paid_before_stop,
        name="paid-before-stop",
    ),
    path("claims/batches/<int:pk>/close/", views.close_batch, name="close-batch"),
    path("claims/batches/<int:pk>/cancel/", views.cancel_batch, name="cancel-batch"),
    path("claims/recoveries/", views.recovery_list, name="recoveries"),
    path("claims/recoveries/<int:pk>/recovered/", views.recovered, name="recovered"),
    path("claims/recoveries/<int:pk>/waive/", views.waive, name="waive"),
    # 公示: public, no login.
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/objection/", views.lodge_objection, name="object"),
]
