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


def session_writes(client, moment) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with at(moment), CaptureQueriesContext(connection) as captured:
        assert client.get(INDEX).status_code == 200
    return sum(
        1
        for query in captured.captured_queries
        if query["sql"].startswith(("UPDATE", "INSERT")) and '"django_session"' in query["sql"]
    )


def test_a_session_in_use_is_written_back_at_most_once_a_minute(dpo_client):
    start = timezone.now()
    assert session_writes(dpo_client, start) == 1
    assert session_writes(dpo_client, start + timedelta(seconds=30)) == 0
    assert session_writes(dpo_client, start + timedelta(seconds=59)) == 0
    assert Session.objects.get().expire_date == start + timedelta(minutes=30)
    assert session_writes(dpo_client, start + timedelta(seconds=61)) == 1
    assert Session.objects.get().expire_date == start + timedelta(seconds=61, minutes=30)


def test_the_idle_limit_counts_from_the_last_renewal_never_later(dpo_client):
    """Requests within a minute of a renewal do not move the limit: it ends at most a minute early."""
    start = timezone.now()
    session_writes(dpo_client, start)
    session_writes(dpo_client, start + timedelta(seconds=50))
    with at(start + timedelta(minutes=30, seconds=10)):
        response = dpo_client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_public_page_leaves_a_staff_session_as_it_is(dpo_client):
    start = timezone.now()
    session_writes(dpo_client, start)
    with at(start + timedelta(minutes=5)):
        assert dpo_client.get("/sv/requests/new/").status_code == 200
    assert Session.objects.get().expire_date == start + timedelta(minutes=30)
