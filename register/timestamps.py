"""Times read from PostgreSQL by psycopg's compiled loader, as Django reads them.

Django reads every ``timestamp with time zone`` through a Python subclass of psycopg's pure-Python
loader (``BaseTzLoader``): psycopg's compiled loader, which its binary package puts in place of every
other, never runs for Django's times. Each value then costs some 7 µs of parsing in Python where the
compiled loader takes 2: a list page of fifty rows reads fifty times and more, a report thousands.

``TzLoader`` gives what Django's loader gives: the compiled loader's time (in the connection's time
zone, which Django sets to its own) with Django's time zone object, the same ``timezone`` attribute
Django looks for before each cursor (``DatabaseWrapper.create_cursor``), the same errors. It is put in
place on each new connection (``connection_created``) where psycopg's binary package is installed.
"""

from __future__ import annotations

from django.db.backends.signals import connection_created
from django.dispatch import receiver

try:
    import psycopg
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader
    from psycopg.adapt import Loader
    from psycopg.types.datetime import TimestamptzLoader as PythonTimestamptzLoader
except ImportError:  # psycopg 2, or no PostgreSQL driver at all
    Loader = None


def compiled_loader():
    """psycopg's compiled loader of ``timestamptz`` text, or None without psycopg's binary package."""
    if Loader is None:
        return None
    loader = psycopg.adapters.get_loader(psycopg.postgres.types["timestamptz"].oid, psycopg.pq.Format.TEXT)
    return None if loader is None or loader is PythonTimestamptzLoader else loader


def tz_loader(compiled, zone):
    """A loader class reading with ``compiled`` and giving times in ``zone`` (Django's ``timezone``)."""

    class TzLoader(Loader):
        timezone = zone

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._load = compiled(oid, context).load

        def load(self, data):
            return self._load(data).replace(tzinfo=self.timezone)

    return TzLoader


@receiver(connection_created, dispatch_uid="register.timestamps")
def read_times_compiled(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql" or Loader is None:
        return
    compiled = compiled_loader()
    adapters = connection.connection.adapters
    current = adapters.get_loader(psycopg.postgres.types["timestamptz"].oid, psycopg.pq.Format.TEXT)
    # Only in place of Django's own loader (not of one a deployment put there itself).
    if compiled is None or current is None or not issubclass(current, BaseTzLoader):
        return
    adapters.register_loader("timestamptz", tz_loader(compiled, current.timezone))
