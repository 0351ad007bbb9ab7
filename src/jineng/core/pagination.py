"""The API's pagination (settings.REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS): a module of its own,
since DRF imports it while its own views load."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination

from jineng.core.filters import MAX_ID


class Pagination(LimitOffsetPagination):
    """Lists answer at most settings.API_MAX_PAGE_SIZE rows a page (a larger `limit` is cut to
    it), and an `offset` beyond the database's range is refused rather than sent to it."""

    @property
    def max_limit(self):
        return settings.API_MAX_PAGE_SIZE

    def get_offset(self, request):
        offset = super().get_offset(request)
        if offset > MAX_ID:
            raise exceptions.ValidationError(
                {self.offset_query_param: [_("No list is that long.")]}
            )
        return offset
