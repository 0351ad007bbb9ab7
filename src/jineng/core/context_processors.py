from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jineng.core.roles import Capability, has_capability

# Navigation: menus of entries (label, url name, capability needed or None for every signed-in
# user). A menu with one entry the user may open is shown as that entry alone; "Home" stands
# apart.
NAVIGATION = [
    (None, [(_("Home"), "home", None)]),
    (
        _("Registry"),
        [
            (_("Organisations"), "core:organisation-list", Capability.VIEW_ORGANISATIONS),
            (_("Users"), "core:user-list", Capability.VIEW_USERS),
            (_("Training institutions"), "institutions:list", Capability.VIEW_ORGANISATIONS),
            (_("Enterprises"), "institutions:enterprises", Capability.VIEW_ENTERPRISES),
            (
                _("The year's public lists"),
                "institutions:year-lists",
                Capability.DESIGNATE_INSTITUTIONS,
            ),  # fmt: skip
            (_("Real-name registry"), "people:list", Capability.VIEW_PEOPLE),
        ],
    ),
    (
        _("Training"),
        [
            (_("Classes"), "training:list", Capability.VIEW_CLASSES),
            (_("Class review"), "training:review", Capability.REVIEW_CLASSES),
            (_("Check-in at the door"), "faces:door-sessions", Capability.RUN_CLASSES),
            (_("Face mismatches"), "faces:mismatches", Capability.VIEW_CLASSES),
            (_("Evaluations"), "evaluation:list", Capability.VIEW_EVALUATIONS),
            (_("Certificates"), "certificates:list", Capability.VIEW_CERTIFICATES),
        ],
    ),
    (
        _("Funds"),
        [
            (_("Vouchers"), "vouchers:list", Capability.VIEW_VOUCHERS),
            (_("My vouchers"), "vouchers:mine", Capability.CLAIM_VOUCHERS),
            (_("Subsidy claims"), "claims:list", Capability.VIEW_CLAIMS),
            (_("Claim review"), "claims:review", Capability.REVIEW_CLAIMS),
            (_("Payments"), "claims:payments", Capability.RECORD_PAYMENTS),
            (_("Findings (疑点)"), "supervision:list", Capability.VIEW_SUPERVISION),
            (_("Public notices"), "claims:notices", None),
        ],
    ),
    (
        _("Targets and statistics"),
        [
            (_("Dashboards"), "targets:dashboard", Capability.VIEW_STATS),
            (_("Target plans"), "targets:list", Capability.VIEW_TARGETS),
            (_("Statistics and indicators"), "stats:index", Capability.VIEW_STATS),
            (_("Reports"), "reports:list", Capability.VIEW_REPORTS),
            (_("What-if (policy drafts)"), "whatif:list", Capability.VIEW_WHATIF),
        ],
    ),
    (
        _("System"),
        [
            (_("Catalogs"), "catalog:index", None),
            (_("Imports"), "core:import-list", Capability.IMPORT_TEACHERS),
            (_("Audit log"), "core:audit-list", Capability.VIEW_AUDIT),
            (_("API"), "api-docs", None),
        ],
    ),
]


# A role served by a site of its own (the worker's portal) gives its menu here at start-up: an
# app above core registers it (its AppConfig.ready), so core never imports it. A user whose
# only role is that one sees that menu instead of the office menu above.
_role_navigation: dict[str, list] = {}
# (request) -> {"label", "url", "count"} or None: small links beside the account menu (the
# worker's unread notifications), given by the apps above at start-up.
_header_links: list = []


def register_navigation(role: str, navigation: list) -> None:
    _role_navigation[str(role)] = navigation


def register_header_link(provider) -> None:
    if provider not in _header_links:
        _header_links.append(provider)


def navigation_of(user) -> list:
    roles = user.role_set
    if len(roles) == 1:
        (role,) = roles
        if str(role) in _role_navigation:
            return _role_navigation[str(role)]
    return NAVIGATION


def _entries(request, user, entries) -> list[dict]:
    return [
        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
        for label, name, capability in entries
        if capability is None or has_capability(user, capability)
    ]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "header_links": []}
    items = []
    for menu, entries in navigation_of(user):
        shown = _entries(request, user, entries)
        if menu is None or len(shown) == 1:
            items += shown
        elif shown:
            active = any(entry["active"] for entry in shown)
            items.append({"label": menu, "children": shown, "active": active})
    links = [link for provider in _header_links if (link := provider(request)) is not None]
    own_menu = navigation_of(user) is not NAVIGATION
    return {"nav_items": items, "header_links": links, "own_menu": own_menu}
