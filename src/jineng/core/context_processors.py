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


def _entries(request, user, entries) -> list[dict]:
    return [
        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
        for label, name, capability in entries
        if capability is None or has_capability(user, capability)
    ]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for menu, entries in NAVIGATION:
        shown = _entries(request, user, entries)
        if menu is None or len(shown) == 1:
            items += shown
        elif shown:
            active = any(entry["active"] for entry in shown)
            items.append({"label": menu, "children": shown, "active": active})
    return {"nav_items": items}
