"""Reads of published training and sign-ups, through the data scope (the public list is public
data: every published training, to anyone)."""

from django.db.models import QuerySet

from jineng.core import filters as core_filters
from jineng.core.scope import scoped
from jineng.offers import services
from jineng.offers.filters import OfferFilter
from jineng.offers.models import Application, Offer, OfferState
from jineng.people.models import Person

RELATED = ("occupation", "level", "training_type", "county", "organisation", "training_class")


def person_of(user) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first()


def published() -> QuerySet[Offer]:
    return Offer.objects.filter(state=OfferState.PUBLISHED).select_related(*RELATED)


def offer_list(user, filters=None) -> QuerySet[Offer]:
    """The public list; `free` keeps what the pack would subsidise for the signed-in worker
    (their categories, licences and history): nothing for anyone else."""
    rows = core_filters.run(OfferFilter, published(), filters).order_by("start_date", "id")
    if str((filters or {}).get("free", "")).lower() in {"true", "1", "on", "yes"}:
        person = person_of(user)
        if person is None:
            return rows.none()
        free = [offer.pk for offer in rows if services.expected_subsidy(offer, person).free]
        rows = rows.filter(pk__in=free)
    return rows


def offers_for(user) -> QuerySet[Offer]:
    """The publisher's own offers (institution, bureau)."""
    return scoped(user, Offer.objects.select_related(*RELATED)).order_by("-published_at", "-id")


def applications_for(user) -> QuerySet[Application]:
    """Sign-ups the user sees: the worker's own, an institution's for its classes, a bureau's
    for its region."""
    return scoped(
        user,
        Application.objects.select_related(
            "offer", "offer__occupation", "offer__county", "person", "enrollment", "voucher"
        ),
    )


def my_applications(user) -> QuerySet[Application]:
    return applications_for(user).filter(person__user=user).order_by("-applied_at", "-id")
