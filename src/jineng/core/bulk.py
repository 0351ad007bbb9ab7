"""Fast inserts for imports of many rows: one prepared INSERT run with executemany.

Django's bulk_create compiles every value of every row into SQL, which costs more than the
insert itself for 100,000 rows; here each row is prepared by the fields' own
get_db_prep_save (so encryption output, JSON and dates are stored exactly as the ORM stores
them) and sent to the driver in one statement. Primary keys are not returned: callers that need
them look the rows up by a unique key afterwards.
"""

from django.db import connections, router
from django.db.models import Model

BATCH_ROWS = 1000
# Fields whose Python value is already what the database driver takes (str, int, bool, None):
# they skip the per-value preparation, which dominated the time of large imports.
PLAIN_TYPES = {
    "CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "ForeignKey",
    "OneToOneField",
}  # fmt: skip


def _preparer(field, connection):
    if field.get_internal_type() in PLAIN_TYPES:
        attname = field.attname
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def insert(model: type[Model], objects: list[Model]) -> None:
    if not objects:
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
    preparers = [_preparer(field, connection) for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH_ROWS):
            rows = [
                [prepare(obj) for prepare in preparers]
                for obj in objects[start : start + BATCH_ROWS]
            ]
            cursor.executemany(sql, rows)
