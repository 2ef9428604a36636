"""The reads of who is signed in, made before every staff page: the session, its user and its device.

Django and django-otp read the three through the ORM, which compiles each query again on every page:
on a million-customer register that came to some 2 ms of a 4 ms empty admin page, three times what the
three queries take to run. Here each read's SQL is compiled once per process and database
(``register.compiled_reads``) and the rows are what the ORM would read: the same session data, the same
user and device instances, and the same answers when a row is missing, expired or belongs to someone
else. ``settings.py`` names these classes in place of Django's and django-otp's.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.db import connections, models, router
from django.utils import timezone
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from register.compiled_reads import CompiledGet


class SessionStore(db.SessionStore):
    """Django's database sessions; a session is read with SQL written once (``SESSION_ENGINE``)."""

    def _get_session_from_db(self):
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        key = self.session_key
        with connection.cursor() as cursor:
            cursor.execute(
                _session_sql(model, connection.alias, connection.vendor),
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            # As Django's: a missing or expired session is no session, and a new key is made on saving.
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0])


@cache
def _session_sql(model: type[models.Model], alias: str, vendor: str) -> str:
    """``model.objects.filter(session_key=…, expire_date__gt=…).values_list("session_data")`` in SQL."""
    quote = connections[alias].ops.quote_name
    meta = model._meta

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    return (
        f"SELECT {column('session_data')} FROM {quote(meta.db_table)} "  # noqa: S608 (names, not values)
        f"WHERE {column('session_key')} = %s AND {column('expire_date')} > %s"
    )


@cache
def _user_read() -> CompiledGet:
    return CompiledGet(get_user_model())


class StaffModelBackend(ModelBackend):
    """Django's ``ModelBackend``; the signed-in user of a session is read by a compiled read."""

    def get_user(self, user_id):
        user = _user_read().get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


@cache
def _device_read(model: type[Device]) -> CompiledGet:
    return CompiledGet(model)


class StaffOTPMiddleware(OTPMiddleware):
    """django-otp's middleware; the session's second-factor device is read by a compiled read.

    The device is then checked as django-otp checks it: it must be the user's and confirmed, or the
    session forgets it (``OTPMiddleware._finalize_device``).
    """

    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        # As Device.from_persistent_id: "app_label.model_name/id", anything else is no device.
        with suppress(ValueError, LookupError):
            model_label, device_id = persistent_id.rsplit("/", 1)
            app_label, model_name = model_label.split(".")
            model = apps.get_model(app_label, model_name)
            if issubclass(model, Device):
                return _device_read(model).get(int(device_id))
        return None
