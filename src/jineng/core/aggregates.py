"""An aggregate of each listed row's children (a class's trainees, a claim's lines), for lists.

`Count("lines")` on a list joins every child of every row in scope and groups them all before
the page's LIMIT: on a province's data (millions of lines) a page of 50 claims took seconds,
and its COUNT(*) for the paginator kept the join. `per_row` is a correlated subquery instead:
the database computes it for the rows the page shows only, and a count of the list leaves it
out (Django drops unused annotations from count())."""

from __future__ import annotations

from django.db.models import Aggregate, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def per_row(children: QuerySet, link: str, aggregate: Aggregate, default):
    """`aggregate` over the `children` whose `link` (their foreign key to the listed model) is
    the outer row; `default` where it has none (a count 0, a sum 0.00)."""
    grouped = children.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Coalesce(Subquery(grouped.annotate(value=aggregate).values("value")), default)
