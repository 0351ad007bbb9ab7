"""API of published training and sign-ups: the public list (no login, the page's filters) and
the sign-ups each user sees (a worker's own; an institution's for its classes)."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets

from jineng.core.api import SelectorFilterBackend
from jineng.offers import selectors
from jineng.offers.filters import OfferFilter
from jineng.offers.models import Application, Offer


class OfferSerializer(serializers.ModelSerializer):
    occupation = serializers.CharField(source="occupation.name")
    level = serializers.CharField(source="level.name")
    county = serializers.CharField(source="county.name")
    publisher = serializers.CharField(source="organisation.name")

    class Meta:
        model = Offer
        fields = [
            "id",
            "kind",
            "title",
            "occupation",
            "level",
            "county",
            "venue",
            "start_date",
            "end_date",
            "min_signups",
            "places",
            "employer",
            "publisher",
        ]


@extend_schema(tags=["offers"])
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Published training (培训项目): public, as the page /offers/."""

    serializer_class = OfferSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = OfferFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.offer_list(self.request.user, self.request.query_params)
        return selectors.published()


class ApplicationSerializer(serializers.ModelSerializer):
    offer = serializers.CharField(source="offer.title")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Application
        fields = ["id", "offer", "state", "state_label", "reason", "applied_at"]


@extend_schema(tags=["offers"])
class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Sign-ups (报名) in the user's scope: a worker's own only."""

    serializer_class = ApplicationSerializer

    def get_queryset(self):
        return selectors.applications_for(self.request.user).order_by("-applied_at", "-id")
