"""Bulk INSERT and UPDATE as one statement the driver runs for every row (executemany).

bulk_create and bulk_update compile every value of every row through the
query compiler, and bulk_update writes a CASE WHEN branch per row and field
that the database then searches for each row (quadratic in the batch). An
import writes up to 100,000 rows in one transaction: here the statement is
built once, each value is prepared as Django prepares it (get_db_prep_save)
unless the driver takes it as it is (text, integers, a foreign key's id),
and the driver binds row after row (SQLite reuses the prepared statement;
psycopg pipelines them). Neither sends signals, as bulk_create does not.
The inserts are for models whose pk the database assigns (an auto field).
"""

import gc
from contextlib import contextmanager
from operator import attrgetter, itemgetter

from django.db import connections, router
from django.utils import timezone

# Values the drivers bind as they are: Django's get_db_prep_save returns them unchanged.
AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


def _preparers(fields, connection):
    """Per field, a function from a Python value to the value to bind (None: as it is)."""
    preparers = []
    for field in fields:
        internal = field.get_internal_type()
        if internal == "ForeignKey":
            internal = field.target_field.get_internal_type()
        if internal in AS_IS:
            preparers.append(None)
        else:
            preparers.append(_memoised(field, connection))
    return preparers


UNHASHABLE = frozenset({dict, list})  # JSON values


def _memoised(field, connection):
    # Equal values (the time of the write, the one editor, the same earlier time read
    # back from many rows) are prepared once per statement; so is an unhashable value
    # (a JSON value) given as the same object for many rows. That object is kept with
    # its result, so its id cannot be reused by another object during the statement.
    prepared, by_id = {}, {}

    def prepare(value):
        if value.__class__ in UNHASHABLE:
            try:
                return by_id[id(value)][1]
            except KeyError:
                result = field.get_db_prep_save(value, connection)
                by_id[id(value)] = (value, result)
                return result
        try:
            return prepared[value]
        except KeyError:
            result = prepared[value] = field.get_db_prep_save(value, connection)
            return result

    return prepare


def maker(model):
    """A function making unsaved instances of ``model`` from attnames, cheaply.

    Model(**kwargs) resolves every keyword against the fields (tens of
    microseconds, thousands of times in a bulk write); positional arguments in
    field order skip that. The fields' defaults are read once here, so a model
    with a callable default is refused.
    """
    fields = model._meta.concrete_fields
    if any(callable(field.default) for field in fields if field.has_default()):
        raise ValueError(f"{model.__name__} has a callable default")
    defaults = [field.get_default() for field in fields]
    index = {field.attname: position for position, field in enumerate(fields)}

    def make(**values):
        args = list(defaults)
        for name, value in values.items():
            args[index[name]] = value
        return model(*args)

    return make


def _prepare(rows, preparers):
    """Prepare the values of ``rows`` (lists in the fields' order) in place; return them."""
    prepared = [(index, prepare) for index, prepare in enumerate(preparers) if prepare]
    for values in rows:
        for index, prepare in prepared:
            values[index] = prepare(values[index])
    return rows


def _values(objs, names):
    """The values of the attributes ``names`` of each instance, as lists in that order."""
    values_of = attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    return [list(values_of(obj)) for obj in objs]


def _insert_sql(model, fields, connection):
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )


def _insert_fields(model):
    return [f for f in model._meta.local_concrete_fields if not f.primary_key]


def insert(model, objs):
    """INSERT ``objs`` (new instances) in one executemany; their pks are not read back.

    auto_now / auto_now_add fields are filled as bulk_create fills them (with one
    time for all the rows).
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields = _insert_fields(model)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = field.pre_save(objs[0], add=True)  # one time for the whole statement
            for obj in objs:
                setattr(obj, field.attname, value)
    with connection.cursor() as cursor:
        cursor.executemany(
            _insert_sql(model, fields, connection),
            _prepare(_values(objs, [f.attname for f in fields]), _preparers(fields, connection)),
        )


def insert_values(model, rows):
    """INSERT ``rows``, mappings of attname to value, in one executemany: no instances made.

    A field missing from a row gets its default (a callable one called for
    each such row); auto_now / auto_now_add fields get the time of this call
    (one value for all the rows).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = _insert_fields(model)
    fixed, called = {}, {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = timezone.now()
        elif field.has_default() and callable(field.default):
            called[field.attname] = field.get_default
        else:
            fixed[field.attname] = field.get_default()
    values_of = itemgetter(*(field.attname for field in fields))
    params = []
    for row in rows:
        values = {**fixed, **row}
        for name, default in called.items():
            if name not in row:
                values[name] = default()
        params.append(list(values_of(values)))
    with connection.cursor() as cursor:
        cursor.executemany(
            _insert_sql(model, fields, connection),
            _prepare(params, _preparers(fields, connection)),
        )


def _update_sql(model, fields, connection):
    quote = connection.ops.quote_name
    return (
        f"UPDATE {quote(model._meta.db_table)} "
        f"SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )


def update(model, objs, field_names):
    """UPDATE ``field_names`` of each of ``objs`` (saved instances) by pk, in one executemany.

    Writes the values the instances hold, as bulk_update does; auto_now is not applied.
    """
    names = [model._meta.get_field(name).attname for name in field_names]
    update_values(model, field_names, _values(objs, [*names, model._meta.pk.attname]))


def update_values(model, field_names, rows):
    """UPDATE ``field_names`` by pk from ``rows``: lists of their values, then the pk.

    update() without instances: the values are prepared as there, in place.
    """
    if not rows or not field_names:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    with connection.cursor() as cursor:
        cursor.executemany(
            _update_sql(model, fields, connection),
            _prepare(rows, _preparers(fields, connection) + [None]),
        )


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector for a bulk read or write.

    An import keeps what it reads and plans, hundreds of thousands of objects,
    to its end, and every automatic collection walks all of them again: a
    sixth of a 10,000-row import's time. Reference counting still frees what
    is dropped meanwhile; the collector resumes at the end (and its next run
    takes any cycles). It is process-wide: the import worker and the command
    run one import at a time. Nested uses leave it to the outermost.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
