"""Roles, and what each may do. Which objects a role sees is decided by the data scope."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from jineng.core import audit

NOT_SIGNED_IN = _("Sign in first: this needs a signed-in user.")


class Role(models.TextChoices):
    WORKER = "worker", _("Worker")
    INSTITUTION_STAFF = "institution_staff", _("Training institution staff")
    EVALUATION_STAFF = "evaluation_staff", _("Evaluation organisation staff")
    REVIEWER = "reviewer", _("Bureau reviewer")
    DEPARTMENT_STAFF = "department_staff", _("Industry department staff")
    FINANCE_AUDIT = "finance_audit", _("Finance / audit (read-only)")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


class OrgKind(models.TextChoices):
    BUREAU = "bureau", _("HRSS bureau")
    DEPARTMENT = "department", _("Industry department")
    INSTITUTION = "institution", _("Training institution")
    EVALUATION_ORG = "evaluation_org", _("Evaluation organisation")


# The kinds of organisation a holder of each role may belong to.
ROLE_ORG_KINDS = {
    Role.WORKER: {OrgKind.BUREAU},
    Role.INSTITUTION_STAFF: {OrgKind.INSTITUTION},
    Role.EVALUATION_STAFF: {OrgKind.EVALUATION_ORG},
    Role.REVIEWER: {OrgKind.BUREAU},
    Role.DEPARTMENT_STAFF: {OrgKind.DEPARTMENT},
    Role.FINANCE_AUDIT: {OrgKind.BUREAU, OrgKind.DEPARTMENT},
    Role.SYSTEM_ADMIN: {OrgKind.BUREAU},
    Role.SECURITY_ADMIN: {OrgKind.BUREAU},
    Role.AUDIT_ADMIN: {OrgKind.BUREAU},
}

# 三权分立 (GB/T 22239-2019 8.1.5): the system, security and audit administrators are three
# people. No account holds two of these roles: the services refuse it (core.services), the
# database refuses it (UserRole's partial unique constraint), and so does `jineng createuser`.
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# What migration 0006 writes in the log of each system administrator it narrowed.
NARROWED_SYSTEM_ADMIN = gettext_noop(
    "Separated administrators: account management moved to the security administrator "
    "and the audit log to the audit administrator (jineng createuser)."
)
# Roles whose scope is the whole platform.
PLATFORM_ROLES = ADMINISTRATOR_ROLES

# Roles whose scope is the region of their bureau (the nearest bureau at or above their
# organisation), rather than their own organisation.
REGIONAL_ROLES = {Role.REVIEWER, Role.FINANCE_AUDIT}
# Roles whose scope is their own organisation and its sub-units.
ORGANISATION_ROLES = {Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF, Role.DEPARTMENT_STAFF}
# Roles that write nothing: refused by every write service, with the exceptions below.
READ_ONLY_ROLES = {Role.FINANCE_AUDIT, Role.AUDIT_ADMIN}


class Capability(models.TextChoices):
    VIEW_ORGANISATIONS = "organisations.view", _("View organisations")
    MANAGE_ORGANISATIONS = "organisations.manage", _("Manage organisations")
    VIEW_USERS = "users.view", _("View users")
    MANAGE_USERS = "users.manage", _("Manage users")
    VIEW_AUDIT = "audit.view", _("View the audit log")
    EXPORT_AUDIT = "audit.export", _("Export the audit log")
    MANAGE_CATALOGS = "catalogs.manage", _("Import catalogs and load policy packs")
    VIEW_PEOPLE = "people.view", _("Use the real-name registry")
    IMPORT_PEOPLE = "people.import", _("Import rosters and insurance records")
    REGISTER_PEOPLE = "people.register", _("Register a person in the real-name registry")
    CORRECT_PEOPLE = (
        "people.correct",
        _("Answer workers' requests to correct what the platform holds about them"),
    )
    DESIGNATE_INSTITUTIONS = "institutions.designate", _("Designate and supervise institutions")
    IMPORT_TEACHERS = "teachers.import", _("Import teachers")
    KEEP_INSTITUTION = "institutions.keep", _("Keep an institution's profile and requests")
    VIEW_ENTERPRISES = "enterprises.view", _("View the enterprise registry")
    RECORD_ENTERPRISES = (
        "enterprises.record",
        _("Record enterprises, their size class and the bureau they belong to"),
    )
    VIEW_CLASSES = "classes.view", _("View training classes")
    RUN_CLASSES = "classes.run", _("Open and run training classes")
    REVIEW_CLASSES = "classes.review", _("Review training classes")
    RECORD_PAST_TRAINING = (
        "classes.record_history",
        _("Record training done under another system as history (历史导入)"),
    )
    VIEW_EVALUATIONS = "evaluations.view", _("View evaluation bookings and results")
    BOOK_EVALUATIONS = "evaluations.book", _("Book evaluations of completed classes")
    RUN_EVALUATIONS = "evaluations.run", _("Accept bookings and record evaluation results")
    REVIEW_EVALUATIONS = "evaluations.review", _("Grant exceptions to the evaluation deadline")
    RECORD_EVALUATION_AGREEMENTS = (
        "evaluations.agreements",
        _("Record the free-evaluation agreements signed with the persons evaluated"),
    )
    VIEW_CERTIFICATES = "certificates.view", _("View certificates")
    DOWNLOAD_CERTIFICATES = "certificates.download", _("Download certificates (PDF)")
    MANAGE_CERTIFICATES = "certificates.manage", _("Revoke and record certificates")
    VIEW_VOUCHERS = "vouchers.view", _("View training vouchers")
    ISSUE_VOUCHERS = "vouchers.issue", _("Issue, void and bulk-issue training vouchers")
    CLAIM_VOUCHERS = "vouchers.claim", _("Claim one's own training vouchers")
    REDEEM_VOUCHERS = "vouchers.redeem", _("Redeem training vouchers at enrolment")
    SETTLE_VOUCHERS = "vouchers.settle", _("Settle training vouchers against certificates")
    VIEW_CLAIMS = "claims.view", _("View subsidy claims")
    MAKE_CLAIMS = "claims.make", _("Make subsidy claims for one's own classes and evaluations")
    TAKE_CLAIMS = "claims.take", _("Take in employment subsidy claims of enterprises and agencies")
    REVIEW_CLAIMS = "claims.review", _("Review claims, publish notices and resolve objections")
    PAY_CLAIMS = "claims.pay", _("Make payment batches, record payments and recoveries")
    RECORD_PAYMENTS = (
        "claims.record_payment",
        _("See payment batches, export them and record each line paid or failed"),
    )
    PUBLISH_TRAINING = "offers.publish", _("Publish training for workers to sign up")
    APPLY_FOR_TRAINING = "offers.apply", _("Sign up for published training")
    VIEW_TARGETS = "targets.view", _("View target plans")
    MANAGE_TARGETS = "targets.manage", _("Make and reallocate target plans")
    VIEW_STATS = "stats.view", _("View statistics and indicators")
    VIEW_REPORTS = "reports.view", _("View and download the reports of the cadence")
    GENERATE_REPORTS = "reports.generate", _("Generate a report of the cadence now")
    VIEW_SUPERVISION = "supervision.view", _("View the findings of the data comparison")
    MANAGE_SUPERVISION = (
        "supervision.manage",
        _("Run the data comparison, review findings and record on-site checks"),
    )
    VIEW_WHATIF = "whatif.view", _("View draft policy packs and their replayed scenarios")
    RUN_WHATIF = "whatif.run", _("Edit draft policy packs and replay a period under them")


CAPABILITIES: dict[str, set[str]] = {
    # Supervision (004 §五(六) 数据比对、现场核查): the bureau's reviewers run the checks and
    # decide the findings of their region; finance/audit read them (Finding.scope).
    Capability.VIEW_SUPERVISION: {Role.REVIEWER, Role.FINANCE_AUDIT, Role.SYSTEM_ADMIN},
    Capability.MANAGE_SUPERVISION: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # Reports of the cadence (002 §五(三), 004 §五(五)): a region's reports, read within the
    # reader's region (reports.models.Report.scope); finance/audit read them and never write.
    Capability.VIEW_REPORTS: {Role.REVIEWER, Role.FINANCE_AUDIT, Role.SYSTEM_ADMIN},
    Capability.GENERATE_REPORTS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # Statistics (002 §五(三), 004 §五(五)): which figures each reads is stats.selectors.scope_q
    # (a region, an institution's own training, a department's funded training).
    Capability.VIEW_STATS: {
        Role.INSTITUTION_STAFF,
        Role.REVIEWER,
        Role.DEPARTMENT_STAFF,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
    },
    Capability.VIEW_ORGANISATIONS: {
        Role.INSTITUTION_STAFF,
        Role.EVALUATION_STAFF,
        Role.REVIEWER,
        Role.DEPARTMENT_STAFF,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    },
    # 三权分立 (GB/T 22239-2019 8.1.5.1-8.1.5.3): the system administrator runs the system
    # (organisations, catalogs, policy packs, settings) and sees the accounts, but neither
    # changes an account's roles nor reads the audit log; the security administrator keeps the
    # accounts, their roles and others' keys and tokens; the audit administrator reads and
    # exports the audit log (each read audited: core.views, core.api) and writes nothing else.
    Capability.MANAGE_ORGANISATIONS: {Role.SYSTEM_ADMIN},
    Capability.VIEW_USERS: {
        Role.REVIEWER,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    },
    Capability.MANAGE_USERS: {Role.SECURITY_ADMIN},
    Capability.VIEW_AUDIT: {Role.FINANCE_AUDIT, Role.AUDIT_ADMIN},
    Capability.EXPORT_AUDIT: {Role.AUDIT_ADMIN},
    Capability.MANAGE_CATALOGS: {Role.SYSTEM_ADMIN},
    Capability.VIEW_PEOPLE: {
        Role.INSTITUTION_STAFF,
        Role.EVALUATION_STAFF,
        Role.REVIEWER,
        Role.DEPARTMENT_STAFF,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
    },
    Capability.IMPORT_PEOPLE: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # PIPL art. 46 (更正、补充): a worker asks, the bureau that keeps their record answers.
    Capability.CORRECT_PEOPLE: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # One person at a time: the bureau's counter and an institution for its own trainees.
    Capability.REGISTER_PEOPLE: {Role.INSTITUTION_STAFF, Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.DESIGNATE_INSTITUTIONS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.IMPORT_TEACHERS: {Role.INSTITUTION_STAFF, Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.KEEP_INSTITUTION: {Role.INSTITUTION_STAFF, Role.SYSTEM_ADMIN},
    # The enterprise registry (002 §四(三)1: 中小微企业, 按企业隶属关系): the bureau records each
    # enterprise with its size class and evidence; finance and audit read. Which: Enterprise.scope.
    Capability.VIEW_ENTERPRISES: {Role.REVIEWER, Role.FINANCE_AUDIT, Role.SYSTEM_ADMIN},
    Capability.RECORD_ENTERPRISES: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.VIEW_CLASSES: {
        Role.INSTITUTION_STAFF,
        Role.REVIEWER,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
    },
    Capability.RUN_CLASSES: {Role.INSTITUTION_STAFF, Role.SYSTEM_ADMIN},
    Capability.REVIEW_CLASSES: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # 004 §四(三): training is approved before it runs; training already done under another
    # system is recorded by the bureau as history, never through approval.
    Capability.RECORD_PAST_TRAINING: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.VIEW_EVALUATIONS: {
        Role.INSTITUTION_STAFF,
        Role.EVALUATION_STAFF,
        Role.REVIEWER,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
    },
    Capability.BOOK_EVALUATIONS: {Role.INSTITUTION_STAFF, Role.SYSTEM_ADMIN},
    Capability.RUN_EVALUATIONS: {Role.EVALUATION_STAFF, Role.SYSTEM_ADMIN},
    Capability.REVIEW_EVALUATIONS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # 004 §四(五): 由考核评价机构与补贴申请人签订免费技能评价协议书 - the organisation records the
    # agreements it signed with the persons it evaluates; the bureau may record them too.
    Capability.RECORD_EVALUATION_AGREEMENTS: {
        Role.EVALUATION_STAFF,
        Role.REVIEWER,
        Role.SYSTEM_ADMIN,
    },
    # Which certificates: the holder's own, the issuing organisation's, the institution's
    # trainees', the region's (Certificate.scope).
    Capability.VIEW_CERTIFICATES: {
        Role.WORKER,
        Role.INSTITUTION_STAFF,
        Role.EVALUATION_STAFF,
        Role.REVIEWER,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
    },
    Capability.DOWNLOAD_CERTIFICATES: {
        Role.WORKER,
        Role.EVALUATION_STAFF,
        Role.REVIEWER,
        Role.SYSTEM_ADMIN,
    },
    Capability.MANAGE_CERTIFICATES: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # Training vouchers (002 §四(五)3): the bureau issues and settles, the worker claims their own,
    # the institution redeems at enrolment; which vouchers each sees is Voucher.scope.
    Capability.VIEW_VOUCHERS: {
        Role.INSTITUTION_STAFF,
        Role.REVIEWER,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
    },
    Capability.ISSUE_VOUCHERS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.CLAIM_VOUCHERS: {Role.WORKER},
    Capability.REDEEM_VOUCHERS: {Role.INSTITUTION_STAFF, Role.SYSTEM_ADMIN},
    Capability.SETTLE_VOUCHERS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # Subsidy claims (004 §四(五); 002 §四(二)1, §四(三)1): institutions and evaluation
    # organisations claim for their own work, the bureau takes in enterprises' employment claims,
    # reviews, notices and pays; finance and audit read. Which claims: Claim.scope.
    Capability.VIEW_CLAIMS: {
        Role.INSTITUTION_STAFF,
        Role.EVALUATION_STAFF,
        Role.REVIEWER,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
    },
    Capability.MAKE_CLAIMS: {Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF, Role.SYSTEM_ADMIN},
    Capability.TAKE_CLAIMS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.REVIEW_CLAIMS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.PAY_CLAIMS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # The finance bureau pays what the HRSS bureau sends it and says what it did with each line
    # (004 §四(五) 拨付); the bureau's payers may record the same outcomes themselves.
    Capability.RECORD_PAYMENTS: {Role.REVIEWER, Role.FINANCE_AUDIT, Role.SYSTEM_ADMIN},
    # Published training and sign-up (003 §三10 统一的报名和项目发布平台, 004 §四(三)): an
    # institution publishes its classes, the bureau its own projects; a worker signs up. Which
    # offers and sign-ups each sees: offers.models (Offer.scope, Application.scope).
    Capability.PUBLISH_TRAINING: {Role.INSTITUTION_STAFF, Role.REVIEWER, Role.SYSTEM_ADMIN},
    Capability.APPLY_FOR_TRAINING: {Role.WORKER},
    # Target plans (002 §二(二), §三, 附件1/附件2, §五(三)): the bureau of the plan's region makes
    # and reallocates them; reviewers, finance/audit and the departments read. Which rows:
    # targets.selectors (a county or a department sees its own row of the tables).
    Capability.VIEW_TARGETS: {
        Role.REVIEWER,
        Role.DEPARTMENT_STAFF,
        Role.FINANCE_AUDIT,
        Role.SYSTEM_ADMIN,
    },
    Capability.MANAGE_TARGETS: {Role.REVIEWER, Role.SYSTEM_ADMIN},
    # What-if (issue 22): the bureau's reviewers draft a pack and replay a period of their region
    # under it before a new document is signed; finance/audit read the scenarios. Which drafts
    # and scenarios: whatif.models (the bureau's region). A draft never decides anything real.
    Capability.VIEW_WHATIF: {Role.REVIEWER, Role.FINANCE_AUDIT, Role.SYSTEM_ADMIN},
    Capability.RUN_WHATIF: {Role.REVIEWER, Role.SYSTEM_ADMIN},
}

# The writes a read-only role makes, each only inside the service that opens it
# (core.writes.read_only_exception): finance records the outcome of the payments sent to it.
READ_ONLY_EXCEPTIONS = frozenset({Capability.RECORD_PAYMENTS})


def has_capability(user, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.role_set & CAPABILITIES[capability])


def acting_user():
    """The user the current request or task acts as (None: nobody signed in, or the system)."""
    return audit.current().acting_user()


def require_actor() -> None:
    """Fail closed: refuse unless a signed-in user acts or the caller named its system work
    (`audit.system_context`). An anonymous request never writes through a service."""
    if acting_user() is None and not audit.acts_as_system():
        raise PermissionDenied(str(NOT_SIGNED_IN))


def require_capability(capability: str, message) -> None:
    """Services call this first: the acting user must hold the capability. Only the system's
    own named work (`audit.system_context`) acts without a user."""
    require_actor()
    user = acting_user()
    if user is not None and not has_capability(user, capability):
        raise PermissionDenied(str(message))
