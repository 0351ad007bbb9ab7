"""Reads of vouchers, always through the data scope; the dashboard's sums are aggregate queries
(one per breakdown), never rows summed in Python."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from jineng.core.filters import run
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped
from jineng.core.todo import Item
from jineng.vouchers.filters import VoucherFilter
from jineng.vouchers.models import Voucher, VoucherRule, VoucherState

ZERO = Decimal("0.00")
# The dashboard's columns: every state (002 §四(五)3 发券—培训—评价—持证—兑现; expired, voided).
STATES = list(VoucherState)


def vouchers_for(user) -> QuerySet[Voucher]:
    return scoped(
        user,
        Voucher.objects.select_related(
            "person", "person__organisation", "organisation", "level",
            "enrollment__training_class", "certificate",
        ).prefetch_related("occupations"),
    )  # fmt: skip


def voucher_list(user, filters=None) -> QuerySet[Voucher]:
    """The voucher list of the page and the API: latest issued first (distinct: a voucher for
    several occupations matches an occupation once)."""
    queryset = run(VoucherFilter, vouchers_for(user), filters)
    return queryset.distinct().order_by("-issued_on", "-id")


def rules_for(user) -> QuerySet[VoucherRule]:
    return scoped(
        user,
        VoucherRule.objects.select_related("organisation", "level").prefetch_related(
            "categories", "occupations"
        ),
    )


def _measures() -> dict:
    """Count and money of each state, and of all vouchers; settled ones also at what was paid."""
    measures = {"total_n": Count("id", distinct=True), "total_value": Sum("value")}
    for state in STATES:
        measures[f"{state}_n"] = Count("id", filter=Q(state=state), distinct=True)
        measures[f"{state}_value"] = Sum("value", filter=Q(state=state))
    measures["settled_amount"] = Sum("settled_amount", filter=Q(state=VoucherState.SETTLED))
    return measures


def _money(value) -> Decimal:
    """Yuan with 2 places, whatever the database's sum returns (SQLite drops them)."""
    return Decimal(value or 0).quantize(ZERO)


def _row(values: dict) -> dict:
    row = {
        "total": {"count": values["total_n"], "value": _money(values["total_value"])},
        "settled_amount": _money(values["settled_amount"]),
    }
    for state in STATES:
        row[str(state)] = {
            "count": values[f"{state}_n"],
            "value": _money(values[f"{state}_value"]),
        }
    return row


def dashboard(user, queryset: QuerySet[Voucher] | None = None) -> dict:
    """Issued, claimed, redeemed, settled, expired, voided: counts and money in the viewer's
    scope, in all, by region (the holder's bureau) and by occupation. A voucher for several
    occupations counts under each of them, so the occupation rows may add up to more than
    the total."""
    base = scoped(user, queryset if queryset is not None else Voucher.objects.all()).order_by()
    measures = _measures()
    total = _row(base.aggregate(**measures))
    by_region = [
        {
            "code": values["person__organisation__region_code"],
            "name": values["person__organisation__name"],
            **_row(values),
        }
        for values in base.values("person__organisation__region_code", "person__organisation__name")
        .annotate(**measures)
        .order_by("person__organisation__region_code", "person__organisation__name")
    ]
    # Sums over the occupation join: each (voucher, occupation) pair once, as it should be.
    by_occupation = [
        {"code": values["occupations__code"], "name": values["occupations__name"], **_row(values)}
        for values in base.values("occupations__code", "occupations__name")
        .annotate(**measures)
        .order_by("occupations__code")
    ]
    return {"total": total, "by_region": by_region, "by_occupation": by_occupation}


def todo(user) -> list[Item]:
    """The worker's vouchers issued to them and not yet claimed (个人领取, 002 §四(五)3)."""
    if not has_capability(user, Capability.CLAIM_VOUCHERS):
        return []
    waiting = vouchers_for(user).filter(person__user=user, state=VoucherState.ISSUED).count()
    return [Item(_("Training vouchers to claim"), waiting, reverse("vouchers:mine"))]
