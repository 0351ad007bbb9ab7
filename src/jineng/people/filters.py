"""The filters of the registry's list (its page and the API). Searching by ID or phone number
is not here: it is POSTed (people.selectors.persons_for), so numbers stay out of URLs."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import FilterSet
from jineng.people.models import Person


class PersonFilter(FilterSet):
    category = django_filters.CharFilter(
        label=_("person category"),
        field_name="categories__category__code",
        distinct=True,
        help_text="a person category code (e.g. graduate)",
    )

    class Meta:
        model = Person
        fields = ["category"]
