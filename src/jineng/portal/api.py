"""The worker's own API: their notifications (the text in the caller's language) and marking
them read. Only the caller's rows: another person's id answers 404."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jineng.portal import selectors, services
from jineng.portal.models import Notification
from jineng.portal.views import is_worker


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    text = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "url", "created_at", "read_at", "sms"]
        read_only_fields = fields

    def get_text(self, notification) -> str:
        return services.text_of(notification.kind, notification.params)


class WorkerPermission(permissions.BasePermission):
    """A worker's own rows; other roles have none here (404 on an id, 403 on the list)."""

    def has_permission(self, request, view):
        if is_worker(request.user):
            return True
        if request.user.is_authenticated and view.kwargs.get("pk") is not None:
            raise exceptions.NotFound()
        return False


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """My notifications, newest first: accepted into a class, class starts tomorrow, evaluation
    booked, certificate issued, subsidy paid."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated, WorkerPermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's look at the model, no user
            return Notification.objects.none()
        return selectors.my_notifications(self.request.user)

    @extend_schema(
        request=None,
        responses=inline_serializer("NotificationsRead", {"read": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read")
    def read(self, request):
        """Mark all my notifications read."""
        return Response({"read": services.mark_read(request.user)})
