"""The Django admin, for system administrators. Writes go through the services, so they are
audited like any other; the audit log itself is read-only here."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jineng.core import audit, selectors, services, writes
from jineng.core.models import ApiToken, AuditEntry, Organisation, StateChange, User
from jineng.core.roles import Capability, has_capability

admin.site.site_header = _("jineng administration")
admin.site.site_title = _("jineng")


def admin_login(request, extra_context=None):
    """The admin signs in through the site's own login, with its second step: Django's admin
    login form knows only the password."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("login"))


admin.site.login = admin_login
# Second factors are the users' own (core.twofactor): no admin page shows a TOTP secret or
# adds a device or recovery code past the audited services.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

# Headings of Django's admin templates that Django's own zh_Hans catalogue leaves in English:
# marked here so that they are extracted into our .po, which is searched first.
ADMIN_HEADINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "region_code", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth", "created_at"]
    raw_id_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.create_organisation(
                kind=obj.kind,
                name=obj.name,
                code=obj.code,
                parent=obj.parent,
                region_code=obj.region_code,
            )
            obj.pk, obj.path = created.pk, created.path
            return
        fields = {name: getattr(obj, name) for name in form.changed_data if name != "parent"}
        original = Organisation.objects.get(pk=obj.pk)
        if "parent" in form.changed_data and obj.parent:
            services.move_organisation(original, obj.parent)
            original.refresh_from_db()
        if fields:
            writes.update(original, **fields)

    def has_delete_permission(self, request, obj=None):
        return False  # organisations are deactivated, never deleted: history points at them


class CapabilityAdmin(admin.ModelAdmin):
    """An admin page kept to the holders of capabilities, not to Django's permissions, which
    a superuser (the system administrator) holds all of: 三权分立 puts the accounts with the
    security administrator and the audit log with the audit administrator."""

    view_capability: str = ""
    change_capability: str | None = None

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return has_capability(request.user, self.view_capability)

    def has_change_permission(self, request, obj=None):
        return bool(self.change_capability) and has_capability(request.user, self.change_capability)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(CapabilityAdmin):
    list_display = ["username", "full_name", "organisation", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    list_filter = ["is_active", "roles__role"]
    fields = ["username", "full_name", "email", "organisation", "is_active"]
    readonly_fields = ["username"]
    raw_id_fields = ["organisation"]
    # Users are created with `jineng createuser` (roles and password rules) and deactivated,
    # never deleted (the audit log refers to them): no add, no delete.
    view_capability = Capability.VIEW_USERS
    change_capability = Capability.MANAGE_USERS

    def save_model(self, request, obj, form, change):
        original = User.objects.get(pk=obj.pk)
        writes.update(original, **{name: getattr(obj, name) for name in form.changed_data})


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits go through the audited writes, like every other change."""

    def save_model(self, request, obj, form, change):
        if not change:
            writes.create(obj)
            return
        original = type(obj).objects.get(pk=obj.pk)
        concrete = {field.name for field in obj._meta.concrete_fields}
        writes.update(
            original, **{name: getattr(obj, name) for name in form.changed_data if name in concrete}
        )

    def has_delete_permission(self, request, obj=None):
        return False  # history and decisions refer to these rows: correct them instead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(CapabilityAdmin):
    """Read only, by the audit log's readers, each read audited like the pages'."""

    list_display = ["at", "actor_label", "action", "object_kind", "object_repr", "ip", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "request_id", "object_id"]
    date_hierarchy = "at"
    view_capability = Capability.VIEW_AUDIT

    def get_queryset(self, request):
        return selectors.audit_entries_for(request.user)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            audit.record_read(_("admin list: %(query)s") % {"query": request.GET.urlencode()})
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and request.method == "GET":
            entry = self.get_queryset(request).filter(pk=object_id).first()
            audit.record_read(str(_("admin entry")), entry)
        return response

    @admin.display(description=_("object type"), ordering="object_type")
    def object_kind(self, entry):
        return entry.object_type_name


@admin.register(StateChange)
class StateChangeAdmin(ReadOnlyAdmin):
    """Every object's history in one place: written only by core.states."""

    list_display = ["at", "subject_type", "subject_id", "__str__", "reason", "by"]
    list_filter = ["subject_type"]


@admin.register(ApiToken)
class ApiTokenAdmin(CapabilityAdmin):
    view_capability = Capability.MANAGE_USERS  # others' keys: the security administrator
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
