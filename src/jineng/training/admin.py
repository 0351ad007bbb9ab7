"""Training classes in the Django admin, for system administrators. Edits are audited; states
change only through the services (with their checks and reasons), so every state field is
read-only here. The state history, the decisions' enrolments, the signed commitments and the
attendance events are evidence: read-only."""

from django.contrib import admin

from jineng.core.admin import AuditedAdmin, ReadOnlyAdmin
from jineng.training import models


@admin.register(models.TrainingClass)
class TrainingClassAdmin(AuditedAdmin):
    list_display = ["code", "name", "institution", "occupation", "level", "start_date", "state"]
    list_filter = ["state", "commitment_reason"]
    search_fields = ["code", "name", "institution__organisation__name"]
    date_hierarchy = "start_date"
    readonly_fields = ["code", "institution", "state", "created_at"]

    def has_add_permission(self, request):
        return False  # a class is opened by its institution (services.create_class)


@admin.register(models.Session)
class SessionAdmin(AuditedAdmin):
    list_display = ["__str__", "training_class", "teacher"]
    search_fields = ["training_class__code", "topic"]
    readonly_fields = ["training_class"]
    raw_id_fields = ["teacher"]

    def has_add_permission(self, request):
        return False  # the timetable is the institution's (services.add_session)


@admin.register(models.Enrollment)
class EnrollmentAdmin(AuditedAdmin):
    list_display = ["__str__", "state", "eligible", "assessment_passed"]
    list_filter = ["state", "eligible"]
    search_fields = ["training_class__code", "person__name"]
    readonly_fields = [
        "training_class", "person", "state", "eligible", "eligibility", "assessment_passed",
        "completion", "enrolled_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # enrolment decides eligibility (services.enrol)


@admin.register(models.Device)
class DeviceAdmin(AuditedAdmin):
    list_display = ["name", "institution", "token_hint", "active", "last_seen_at"]
    list_filter = ["active"]
    # The key is registered, and a device revoked, through training.services (checked, once).
    readonly_fields = ["institution", "token_hint", "created_at", "last_seen_at", "public_key",
                       "key_fingerprint", "counter", "revoked_at", "active"]  # fmt: skip

    def has_add_permission(self, request):
        return False  # a device's token is made and shown once by services.register_device


@admin.register(models.SignedEvent)
class SignedEventAdmin(ReadOnlyAdmin):
    list_display = ["device", "counter", "event_id", "local_match", "clock_skew", "received_at",
                    "checkin", "refusal"]  # fmt: skip
    list_filter = ["local_match"]


@admin.register(models.Commitment)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "training_class"]


@admin.register(models.CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["session", "person", "is_teacher", "direction", "device_time", "in_window",
                    "flag", "verification"]  # fmt: skip
    list_filter = ["direction", "in_window", "flag", "is_teacher"]
