"""Places (培训场地) of training and of check-ins: a class's site (its venue's WGS-84 position
and the radius within which a check-in counts as there, a session's own site overriding it) and
the position a device reports with an event (latitude, longitude, its accuracy in metres).
Supervision compares them (checkins_outside_place, docs/supervision.md; 000 §三(八), 003 §三10,
004 §五(六)). Nothing here reads the database.
"""

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG), metres
MAX_RADIUS_M = 100_000
MAX_ACCURACY_M = 100_000

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]
RADIUS = [MinValueValidator(1), MaxValueValidator(MAX_RADIUS_M)]


def site_fields() -> tuple[models.Field, models.Field, models.Field]:
    """A site's latitude, longitude and radius (metres), each optional: the fields of a class
    and of a session (`site_latitude, site_longitude, site_radius = site_fields()`)."""
    return (
        models.FloatField(
            gettext_lazy("site latitude"), null=True, blank=True, validators=LATITUDE
        ),
        models.FloatField(
            gettext_lazy("site longitude"), null=True, blank=True, validators=LONGITUDE
        ),
        models.PositiveIntegerField(
            gettext_lazy("site radius (m)"), null=True, blank=True, validators=RADIUS
        ),
    )


# A site is its latitude and longitude together (a radius alone is no site).
SITE_WHOLE = (Q(site_latitude__isnull=True) & Q(site_longitude__isnull=True)) | (
    Q(site_latitude__isnull=False) & Q(site_longitude__isnull=False)
)


@dataclass(frozen=True)
class Position:
    """Where a device said it was when it took an event."""

    latitude: float
    longitude: float
    accuracy: float | None = None  # metres; None: the device did not say

    def __post_init__(self):
        if not -90 <= self.latitude <= 90 or not -180 <= self.longitude <= 180:
            raise ValidationError(
                _("A position is a latitude from -90 to 90 and a longitude from -180 to 180.")
            )
        if self.accuracy is not None and not 0 <= self.accuracy <= MAX_ACCURACY_M:
            raise ValidationError(
                _("A position's accuracy is 0 to %(most)d metres.") % {"most": MAX_ACCURACY_M}
            )

    @classmethod
    def of(cls, latitude, longitude, accuracy=None) -> "Position | None":
        """The position of optional values: None when neither coordinate is given; refused when
        only one is, or an accuracy comes without them."""
        if latitude is None and longitude is None:
            if accuracy is not None:
                raise ValidationError(_("An accuracy needs the latitude and longitude."))
            return None
        if latitude is None or longitude is None:
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))
        return cls(float(latitude), float(longitude), None if accuracy is None else float(accuracy))


def check_site(latitude, longitude, radius) -> None:
    """A class's or session's site: both coordinates or neither, a radius only with them."""
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Give both the site's latitude and longitude, or neither."))
    if radius is not None and latitude is None:
        raise ValidationError(_("A site's radius needs its latitude and longitude."))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle (haversine) distance in metres, as the check computes it in the
    database."""
    a = (
        sin(radians(lat2 - lat1) / 2) ** 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))
