"""Reads of face verification, always scoped."""

from django.db.models import Q

from jineng.core.scope import scoped
from jineng.faces.models import FaceDuplicate, FaceVerification
from jineng.people.models import Person
from jineng.training.models import Enrollment


def person_for(user, pk: int) -> Person | None:
    """A person the user may take a face photo of: in their registry scope, or a trainee of a
    class in their scope (an institution's own trainees)."""
    trainees = scoped(user, Enrollment.objects.all()).values("person_id")
    return (
        Person.objects.select_related("organisation")
        .filter(Q(pk__in=scoped(user, Person.objects.all()).values("pk")) | Q(pk__in=trainees))
        .filter(pk=pk)
        .first()
    )


def mismatches(user):
    return scoped(
        user,
        FaceVerification.objects.exclude(state=FaceVerification.State.PASSED).select_related(
            "person", "session__training_class__institution", "reviewed_by"
        ),
    ).defer("thumbnail")


def duplicates(user):
    return scoped(user, FaceDuplicate.objects.select_related("person", "other"))
