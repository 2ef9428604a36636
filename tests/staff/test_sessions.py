"""Staff sessions end after settings.STAFF_IDLE_MINUTES without a request, and with the browser."""

from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

INDEX = "/admin/"


def at(moment):
    """Let the session machinery (and everything else) see ``moment`` as now."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_idle_limit_is_thirty_minutes_in_production():
    assert not settings.DEBUG
    assert settings.STAFF_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_session_cookie_ends_with_the_browser(dpo_client):
    response = dpo_client.get(INDEX)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_session_ends_after_thirty_idle_minutes(dpo_client):
    start = timezone.now()
    with at(start):
        assert dpo_client.get(INDEX).status_code == 200
    with at(start + timedelta(minutes=31)):
        response = dpo_client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_each_request_renews_the_idle_limit(dpo_client):
    start = timezone.now()
    with at(start):
        dpo_client.get(INDEX)
    for minutes in (20, 40, 60, 80):
        with at(start + timedelta(minutes=minutes)):
            assert dpo_client.get(INDEX).status_code == 200, minutes
    stored = Session.objects.get()
    assert stored.expire_date == start + timedelta(minutes=80 + 30)
