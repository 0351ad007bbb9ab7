"""API of published training and sign-ups: the public list (no login, the page's filters,
a rate per address), the publisher's own training (list, publish, change, withdraw: an
institution's or a bureau's, through offers.services and the publish page's forms) and the
sign-ups each user sees (a worker's own; an institution's for its classes)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jineng.core.api import CapabilityPermission, IdField, SelectorFilterBackend, invalid_form
from jineng.core.roles import Capability
from jineng.core.throttles import AddressThrottle
from jineng.offers import selectors, services
from jineng.offers.filters import OfferFilter
from jineng.offers.forms import ChangeForm, PublishForm
from jineng.offers.models import Application, Offer, OfferKind


class PublicListThrottle(AddressThrottle):
    """Reads of the public list of published training per address (JINENG_OFFERS_PUBLIC_RATE)."""

    scope = "offers_public"
    setting = "OFFERS_PUBLIC_RATE"


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
    throttle_classes = [PublicListThrottle]
    filterset_class = OfferFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.offer_list(self.request.user, self.request.query_params)
        return selectors.published()


class PublishedOfferSerializer(OfferSerializer):
    """A publisher's own training: the public fields, with its state, class and ids."""

    occupation_id = serializers.IntegerField(read_only=True)
    level_id = serializers.IntegerField(read_only=True)
    training_type_id = serializers.IntegerField(read_only=True)
    county_id = serializers.IntegerField(read_only=True)
    training_class_id = serializers.IntegerField(read_only=True, allow_null=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta(OfferSerializer.Meta):
        fields = [
            *OfferSerializer.Meta.fields,
            "description",
            "state",
            "state_label",
            "training_class_id",
            "occupation_id",
            "level_id",
            "training_type_id",
            "county_id",
            "published_at",
        ]


class ChangeSerializer(serializers.Serializer):
    """What a change may send (the schema's; the publish page's form validates it)."""

    title = serializers.CharField(max_length=120, required=False)
    county = IdField(required=False, help_text="a county's id (catalogs/regions)")
    venue = serializers.CharField(max_length=200, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    min_signups = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    places = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    employer = serializers.CharField(max_length=120, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class PublishSerializer(ChangeSerializer):
    """What publishing sends: a class (`training_class`, an approved class of the caller's), a
    standing offer or a bureau's project (occupation, level, type, county, place, places; the
    dates or how many sign-ups open the next class; a project's employer)."""

    kind = serializers.ChoiceField(choices=OfferKind.choices)
    title = serializers.CharField(max_length=120)
    training_class = IdField(required=False, allow_null=True)
    occupation = IdField(required=False, allow_null=True)
    level = IdField(required=False, allow_null=True)
    training_type = IdField(required=False, allow_null=True)


@extend_schema(tags=["offers"])
class PublishedOfferViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The training the caller's institution or bureau published (capability offers.publish),
    newest first, open and withdrawn: publish, change, withdraw. Another's answers 404."""

    serializer_class = PublishedOfferSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.PUBLISH_TRAINING
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.offers_for(self.request.user)

    def _read(self, pk: int) -> dict:
        return PublishedOfferSerializer(self.get_queryset().get(pk=pk)).data

    @extend_schema(request=PublishSerializer, responses={201: PublishedOfferSerializer})
    def create(self, request):
        """Publish a training, as the page /offers/manage/ does."""
        PublishSerializer(data=request.data).is_valid(raise_exception=True)  # bounded ids
        form = PublishForm(request.data, user=request.user)
        if not form.is_valid():
            raise invalid_form(form)
        offer = services.publish(**form.values())
        return Response(self._read(offer.pk), status=201)

    @extend_schema(request=ChangeSerializer, responses=PublishedOfferSerializer)
    def partial_update(self, request, pk=None):
        """Change what a published training's kind allows (a class's dates and places are
        the class's); fewer places than sign-ups hold are refused."""
        offer = self.get_object()
        ChangeSerializer(data=request.data, partial=True).is_valid(raise_exception=True)
        form = ChangeForm(request.data)
        if not form.is_valid():
            raise invalid_form(form)
        services.update_offer(offer, **form.changes(request.data))
        return Response(self._read(offer.pk))

    @extend_schema(request=None, responses=PublishedOfferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Close the training for sign-up (the sign-ups made stay)."""
        offer = self.get_object()
        services.close(offer)
        return Response(self._read(offer.pk))


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
