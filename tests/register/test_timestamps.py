"""Times are read by psycopg's compiled loader and come out as Django's own loader gives them."""

import datetime

import pytest
from django.db import DataError, connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's times"),
]

TEXTS = [
    "2026-12-02 00:33:54.640323+00",
    "2026-12-02 00:33:54+00",
    "2026-06-02 02:33:54.5+02:30",
    "1999-12-31 23:59:59.999999-08",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


def read(texts, djangos_own: bool):
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    with connection.cursor() as cursor:
        if djangos_own:
            register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(
            "SELECT value::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(value, n) ORDER BY n",
            [texts],
        )
        return [row[0] for row in cursor.fetchall()]


def test_each_connection_reads_times_with_the_compiled_loader():
    from register.timestamps import compiled_loader

    if compiled_loader() is None:
        pytest.skip("psycopg's binary package is not installed")
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, __import__("psycopg").pq.Format.TEXT)
    assert loader.__module__ == "register.timestamps"
    assert loader.timezone is connection.timezone


def test_times_are_those_djangos_loader_reads_with_its_time_zone_object():
    ours, django = read(TEXTS, djangos_own=False), read(TEXTS, djangos_own=True)
    assert ours == django
    assert [value.tzinfo for value in ours] == [value.tzinfo for value in django]
    assert all(value.tzinfo is datetime.UTC for value in ours)
    assert ours[2] == datetime.datetime(2026, 6, 2, 0, 3, 54, 500000, tzinfo=datetime.UTC)


@pytest.mark.parametrize("text", ["infinity", "-infinity"])
def test_a_time_python_cannot_hold_is_refused_as_django_refuses_it(text):
    with pytest.raises(DataError):
        read([text], djangos_own=False)


def test_a_model_reads_its_times_aware(db):
    from tests.factories import make_customer

    customer = make_customer()
    fresh = type(customer).objects.get(pk=customer.pk)
    assert fresh.created_at == customer.created_at and fresh.created_at.tzinfo is datetime.UTC
