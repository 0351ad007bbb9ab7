"""The anchor of bench/checkin_load.py: the least a request that stores something can cost on
this server (the same middleware, one INSERT through a raw cursor). Routed only when the server
runs the demo with JINENG_BENCH_ANCHOR=1 (jineng.api_urls), never in production. Its table
is made by the benchmark's setup, not by a migration.

An API view like the check-in endpoint (DRF's dispatch, which the login-required middleware
leaves to DRF), open to anyone and reading its body by hand: the cheapest answer the API gives."""

import json
import os

from django.conf import settings
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

TABLE = "bench_anchor"


def enabled() -> bool:
    return bool(settings.DEMO) and os.environ.get("JINENG_BENCH_ANCHOR") == "1"


class Anchor(APIView):
    authentication_classes: list = []  # no session, so no CSRF check either
    permission_classes = [AllowAny]

    def post(self, request):
        try:
            event_id = str(json.loads(request.body)["event_id"])[:64]
        except (ValueError, KeyError, TypeError):
            return HttpResponseBadRequest()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (event_id, at) VALUES (%s, %s)",  # noqa: S608 - a constant
                [event_id, timezone.now()],
            )
        return JsonResponse({"event_id": event_id, "status": "stored"}, status=201)


anchor = Anchor.as_view()
