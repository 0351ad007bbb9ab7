"""Reads of certificates, always through the data scope."""

from django.db.models import QuerySet

from jineng.certificates.filters import CertificateFilter
from jineng.certificates.models import Certificate
from jineng.core.filters import run
from jineng.core.scope import scoped


def certificates_for(user) -> QuerySet[Certificate]:
    return scoped(
        user,
        Certificate.objects.select_related(
            "person", "occupation", "level", "evaluation_org__organisation"
        ),
    )


def certificate_list(user, filters=None) -> QuerySet[Certificate]:
    """The certificate list of the page and the API: latest issued first."""
    return run(CertificateFilter, certificates_for(user), filters).order_by("-issued_on", "-id")
