"""Fast inserts for imports of many rows: one prepared INSERT run with executemany.

Django's bulk_create compiles every value of every row into SQL, which costs more than the
insert itself for 100,000 rows; here each value is prepared as the ORM would store it (dates by
the backend's adapters, JSON, encryption output) and sent to the driver in one statement.

Rows are model instances or plain dicts of {attname: value}: building a model instance costs
more than its insert, so imports pass dicts for the rows they only write (ledger lines, audit
entries). A field missing from a dict takes its default, computed once per call. Primary keys
are not returned: callers that need them look the rows up by a unique key afterwards.
"""

from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.models import Model

BATCH_ROWS = 1000
# Fields whose Python value is already what the database driver takes (str, int, bool, None).
PLAIN_TYPES = {
    "CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "ForeignKey",
    "OneToOneField", "GenericIPAddressField",
}  # fmt: skip


def _preparer(field, connection) -> Callable | None:
    """How a value of the field becomes a driver value (None: it already is one)."""
    kind = field.get_internal_type()
    if kind in PLAIN_TYPES:
        return None
    if kind == "DateTimeField":
        return _memo(connection.ops.adapt_datetimefield_value)
    if kind == "DateField":
        return _memo(connection.ops.adapt_datefield_value)
    return lambda value: field.get_db_prep_save(value, connection)


def _memo(adapt: Callable) -> Callable:
    """A date adapter that adapts each distinct value once (the rows of one import share their
    moment and their day: adapting a datetime costs more than inserting it)."""
    done: dict = {}

    def adapted(value):
        found = done.get(value)
        if found is None:
            found = done[value] = adapt(value)
        return found

    return adapted


def insert(model: type[Model], rows: Sequence[Model | dict]) -> None:
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    # Only model metadata (table and column names, quoted) enters the SQL; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    columns = [
        (field.attname, field.get_default(), _preparer(field, connection)) for field in fields
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_ROWS):
            batch = []
            for row in rows[start : start + BATCH_ROWS]:
                values = row if isinstance(row, dict) else row.__dict__
                batch.append([
                    value if prepare is None or value is None else prepare(value)
                    for attname, default, prepare in columns
                    for value in (values.get(attname, default),)
                ])  # fmt: skip
            cursor.executemany(sql, batch)
