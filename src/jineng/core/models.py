"""Organisations, users and their roles, the audit log, login failures and API tokens.

Models hold data and constraints only; every write with a rule goes through services.py.
"""

from datetime import timedelta
from functools import cached_property

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from jineng.core.crypto import Sealed
from jineng.core.roles import ADMINISTRATOR_ROLES, OrgKind, Role
from jineng.core.scope import ScopeSpec

PATH_SEGMENT_WIDTH = 7  # zero-padded primary keys keep the path sortable in tree order


class Organisation(models.Model):
    """A node of the organisation tree: bureaus by region, departments, institutions, ..."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=200)
    # GB/T 2260 code for a bureau; 统一社会信用代码 or a local code for the others.
    code = models.CharField(_("code"), max_length=40, unique=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path: "/0000001/0000002/"; a subtree is every path that starts with this one.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    scope = ScopeSpec(org_paths=("path",))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_segment(pk: int) -> str:
        return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"

    def ancestor_paths(self) -> list[str]:
        """Paths of this node and every node above it, nearest last."""
        segments = self.path.strip("/").split("/")
        return ["/" + "/".join(segments[: i + 1]) + "/" for i in range(len(segments))]

    def nearest_bureau(self) -> "Organisation | None":
        if self.kind == OrgKind.BUREAU:
            return self
        bureaus = Organisation.objects.filter(
            path__in=self.ancestor_paths(), kind=OrgKind.BUREAU
        ).order_by("-depth")
        return bureaus.first()


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # When the password was last set (core.security: expiry after PASSWORD_MAX_AGE_DAYS).
    password_changed_at = models.DateTimeField(
        _("password changed at"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    # A user record belongs to its organisation; a worker sees their own record.
    scope = ScopeSpec(org_paths=("organisation__path",), owner="pk")
    audit_exclude = frozenset({"password", "last_login"})

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("role", flat=True))

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in sorted(self.role_set)]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role"),
            # 三权分立: at most one of the three administrator roles per account.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role__in=sorted(ADMINISTRATOR_ROLES)),
                name="one_administrator_role_per_user",
                violation_error_message=_("One account cannot hold two administrator roles."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")


class AuditChainHead(models.Model):
    """The end of one hash chain of the audit log: a day's lane, its length and last hash.

    A writer locks this row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's transactions begin
    IMMEDIATE) to append to the chain, so two writers never take the same position. The rows
    stay when their entries are archived: they are the chains' final hashes."""

    day = models.DateField(_("day"))
    lane = models.PositiveSmallIntegerField(_("lane"), default=0)
    count = models.PositiveIntegerField(_("entries"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64)

    scope = ScopeSpec()  # no organisation: the platform's administrators only

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")
        ordering = ["day", "lane"]
        constraints = [models.UniqueConstraint(fields=["day", "lane"], name="uniq_audit_chain")]

    def __str__(self) -> str:
        return f"{self.day} #{self.lane}: {self.count}"


class AuditArchive(models.Model):
    """One `jineng audit archive`: the entries of the days before `before` moved to a file.

    Append-only like the log (migration 0007); the database lets an entry be deleted only when
    an archive covers its day."""

    before = models.DateField(_("archived before"))
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    entries = models.PositiveIntegerField(_("entries"))
    made_at = models.DateTimeField(_("archived at"), default=timezone.now)
    made_by = models.CharField(_("archived by"), max_length=150)

    scope = ScopeSpec()

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.entries})"


class AuditAction(models.TextChoices):
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOCKED_OUT = "locked_out", _("locked out")
    VIEW_PERSONAL = "view_personal", _("full view of personal data")
    READ_AUDIT = "read_audit", _("read of the audit log")


class AuditEntry(models.Model):
    """One append-only record of a write, a login event or a view of personal data.

    Database triggers (migration 0002) refuse UPDATE and DELETE as well, so not even raw SQL
    through the application's connection can change an entry.
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The organisation the object belongs to, so that auditors see their region's entries.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    # The hash chain (core.chain): entry `seq` of the chain of (chain_day, lane), its hash a
    # SHA-256 over the entry's canonical form and prev_hash, the hash of the entry before.
    chain_day = models.DateField(_("chain day"), null=True, blank=True, editable=False)
    lane = models.PositiveSmallIntegerField(_("lane"), default=0, editable=False)
    seq = models.PositiveIntegerField(_("chain position"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    scope = ScopeSpec(org_paths=("org_path",), owner="actor")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain_day", "lane", "seq"], name="uniq_audit_chain_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")

    @property
    def object_type_name(self) -> str:
        """The object's kind as a reader names it (the model's verbose name, e.g. 用户 for
        core.user); the stored label where the model no longer exists."""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class LoginFailure(models.Model):
    """A failed login, kept to lock out an account or an address. The username is hashed."""

    username_hash = models.CharField(max_length=64, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.ip or ''}"


class PasswordHistory(models.Model):
    """A password a user has had, as its hash (the form Django stores, salted): a new password
    may not be one of the last PASSWORD_HISTORY (core.security.PasswordHistoryValidator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    set_at = models.DateTimeField(default=timezone.now)

    scope = ScopeSpec()  # no organisation: nobody reads them but the validator
    audit_exclude = frozenset({"password"})

    class Meta:
        ordering = ["-set_at", "-id"]
        indexes = [models.Index(fields=["user", "-set_at"], name="password_history_latest")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.set_at:%Y-%m-%d}"


# The lifetimes a token may be given, in days (finding 8 of issue 20): none lives for ever.
TOKEN_LIFETIMES = (7, 30, 90, 180)
DEFAULT_TOKEN_LIFETIME = 30


class TokenState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("api token", "active")
    EXPIRED = "expired", pgettext_lazy("api token", "expired")
    IDLE = "idle", _("expired (unused)")
    REVOKED = "revoked", pgettext_lazy("api token", "revoked")


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once.

    It works until it expires (a lifetime of TOKEN_LIFETIMES days), is revoked by its owner or a
    user manager, or has gone unused for API_TOKEN_IDLE_DAYS (idle: shown as expired)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    scope = ScopeSpec(org_paths=("user__organisation__path",), owner="user")
    audit_exclude = frozenset({"key_hash"})

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def idle_until(self):
        """When it stops working for want of use: API_TOKEN_IDLE_DAYS after its last use."""
        return (self.last_used_at or self.created_at) + timedelta(days=settings.API_TOKEN_IDLE_DAYS)

    def state_at(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at <= now:
            return TokenState.EXPIRED
        if self.idle_until <= now:
            return TokenState.IDLE
        return TokenState.ACTIVE

    @property
    def state(self) -> str:
        return self.state_at()

    @property
    def state_label(self) -> str:
        return TokenState(self.state).label


class TwoFactorDevice(TOTPDevice):
    """django-otp's TOTP device (core.twofactor) with its secret encrypted at rest: 等保三级
    8.1.4.8 asks that authentication data be kept secret in storage. The key column (django-otp's
    CharField of 80) holds "v1:" and the 20-byte secret sealed by core.crypto with the data key
    (its header naming suite and key id) in URL-safe base64, 75 characters, never the secret;
    django-otp reads it through `bin_key`. The platform makes and verifies devices through this
    class only."""

    KEY_FIELD = "otp_totp.key"
    KEY_PREFIX = "v1:"
    # `jineng keys rotate` re-seals the secrets like every other sealed column (core.keys).
    SECRET = Sealed("key", KEY_FIELD, text_prefix=KEY_PREFIX)
    sealed_fields = (SECRET,)

    scope = ScopeSpec(org_paths=("user__organisation__path",), owner="user")
    audit_exclude = frozenset({"key"})

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @staticmethod
    def sealed(secret: bytes) -> str:
        return TwoFactorDevice.SECRET.seal(secret)

    @property
    def bin_key(self) -> bytes:
        return self.SECRET.open(self.key)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    # "running" and "failed" name other things elsewhere (a public notice, a policy check).
    RUNNING = "running", pgettext_lazy("import job", "running")
    DONE = "done", _("done")
    FAILED = "failed", pgettext_lazy("import job", "failed")


# A running job's worker saves a heartbeat when it starts and after every chunk it commits
# (1,000 rows, a few seconds); none for this long means the worker died.
HEARTBEAT_STALE_AFTER = timedelta(seconds=settings.JOB_STALE_SECONDS)
INTERRUPTED = "interrupted"  # shown, never stored: a running job whose heartbeat stopped


class WorkerHeartbeat(models.Model):
    """A task worker that is alive (core.worker): a thread of the worker saves `seen_at` every
    quarter of HEARTBEAT_STALE_AFTER, whatever task it runs. A task row (django-tasks-db) left
    running by a worker whose heartbeat stopped for WORKER_STALE_AFTER is marked failed, with
    the reason, by another worker."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    scope = ScopeSpec()  # no organisation: the platform's administrators only

    def __str__(self) -> str:
        return f"{self.worker_id} {self.host}:{self.pid}"


# A worker's own heartbeat may wait behind a long write on SQLite (one writer): twice the job's.
WORKER_STALE_AFTER = 2 * HEARTBEAT_STALE_AFTER


class ImportJob(models.Model):
    """One file import run by the task worker, with its progress and report.

    The uploaded file and the error report hold personal data (ID numbers), so both are kept
    encrypted in the database, never as files on disk.
    """

    kind = models.CharField(_("kind"), max_length=40)
    filename = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(editable=False)  # the upload, encrypted
    options = models.JSONField(default=dict)  # dry_run, all_or_nothing, update
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    report = models.JSONField(_("report"), null=True, blank=True)
    error_report = models.BinaryField(null=True, editable=False)  # xlsx, encrypted
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    # Sealed with core.crypto under these field names (jineng keys rotate re-seals them).
    sealed_fields = (Sealed("content", "import"), Sealed("error_report", "import-errors"))
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    scope = ScopeSpec(org_paths=("organisation__path",), owner="created_by")
    audit_exclude = frozenset({"content", "error_report", "report"})

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"

    @property
    def finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.FAILED}

    @property
    def interrupted(self) -> bool:
        """Running, but its worker has given no sign of life for a minute: it died."""
        last_sign = self.heartbeat_at or self.created_at
        return (
            self.status == ImportStatus.RUNNING
            and last_sign < timezone.now() - HEARTBEAT_STALE_AFTER
        )

    @property
    def state(self) -> str:
        """The status as pages and the API show it: "interrupted" for a dead running job."""
        return INTERRUPTED if self.interrupted else self.status

    @property
    def state_label(self) -> str:
        if self.interrupted:
            return pgettext("import job", "interrupted")
        return self.get_status_display()


class StateChange(models.Model):
    """One step of any stateful object (a class, a claim, a voucher, an institution, a booking):
    from which state to which, why, by whom and when. Written only by `core.states`."""

    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    from_state = models.CharField(_("from"), max_length=20, blank=True)  # "": created
    to_state = models.CharField(_("to"), max_length=20)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    document = models.CharField(_("document"), max_length=200, blank=True)
    by = models.ForeignKey(
        "core.User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # The subject's organisation and owner (a voucher's holder) when the step was taken, so that
    # the history has the data scope of its subject.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    owner = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope = ScopeSpec(org_paths=("org_path",), owner="owner")

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["at", "id"]  # a history reads in order (pages may show the newest first)
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.get_from_state_display() or '—'} → {self.get_to_state_display()}"

    def _label(self, state: str) -> str:
        workflow = getattr(self.subject_type.model_class(), "workflow", None)
        return workflow.label(state) if workflow and state else state

    def get_from_state_display(self) -> str:
        return self._label(self.from_state)

    def get_to_state_display(self) -> str:
        return self._label(self.to_state)


class CodePurpose(models.TextChoices):
    """What a one-time code confirms (core.phonecodes): a code confirms only its own purpose."""

    REGISTER = "register", _("registration")
    PHONE_CHANGE = "phone_change", _("phone change")


class PhoneCode(models.Model):
    """A one-time code texted to a phone (core.phonecodes), for one purpose: only its keyed
    hash is kept, with the phone's look-up hash (never the number in clear), the address it was
    asked from and the account that asked (none at registration), for the rate limits, its
    expiry and the wrong tries. A phone change keeps the new number sealed until the code
    confirms it: the worker's history of phone changes (in their copy of their data)."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=CodePurpose.choices)
    phone_hash = models.CharField(max_length=64, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    user = models.ForeignKey(
        "core.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phone_codes",
    )
    phone_cipher = models.BinaryField(null=True, blank=True, editable=False)
    phone_masked = models.CharField(_("new phone"), max_length=20, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("code valid until"))
    tries = models.PositiveSmallIntegerField(_("wrong codes"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    # The administrators read every code; a worker reads the codes of their own account.
    scope = ScopeSpec(owner="user")
    audit_exclude = frozenset({"phone_hash", "code_hash", "phone_cipher"})
    sealed_fields = (
        Sealed("phone_cipher", "phone", hash="phone_hash", hash_value=lambda row, phone: phone),
    )

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["phone_hash", "created_at"]),
            models.Index(fields=["user", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def used(self) -> bool:
        """The code confirmed its purpose once (core.phonecodes.spend): it never works again."""
        return self.confirmed_at is not None
