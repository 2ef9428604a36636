"""Repeated failed staff logins lock the address out, per username and per address (staff.lockout)."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staff.models import FailedLogin
from tests.conftest import PASSWORD, login_with_second_factor

LOGIN = "/admin/login/"
OFFICE = "192.0.2.10"


def log_in(client, username: str, password: str, address: str = OFFICE, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **headers
    )


def fail(client, username: str, times: int, address: str = OFFICE):
    return [log_in(client, username, "wrong-password", address).status_code for _ in range(times)]


def test_fifth_wrong_password_locks_that_username_out_from_that_address(client, customer_service):
    assert fail(client, "service", 5) == [200, 200, 200, 200, 429]
    response = log_in(client, "service", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_same_username_still_logs_in_from_another_address(client, customer_service):
    fail(client, "service", 5)
    response = log_in(client, "service", PASSWORD, address="198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(customer_service.pk)


def test_many_usernames_from_one_address_lock_out_the_address(client, customer_service):
    limit = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    statuses = []
    for number in range(limit):
        statuses += fail(client, f"guess{number % 5}-{number // 5}", 1)
    assert statuses[:-1] == [200] * (limit - 1) and statuses[-1] == 429
    assert log_in(client, "service", PASSWORD).status_code == 429
    assert log_in(client, "service", PASSWORD, address="198.51.100.7").status_code == 302


def test_lockout_ends_after_the_cool_off(client, customer_service):
    fail(client, "service", 5)
    FailedLogin.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1)
    )
    assert log_in(client, "service", PASSWORD).status_code == 302


def test_failures_during_a_lockout_do_not_extend_it(client, customer_service):
    fail(client, "service", 5)
    first = FailedLogin.objects.get()
    fail(client, "service", 3)
    again = FailedLogin.objects.get()
    assert (again.attempt_time, again.failures_since_start) == (first.attempt_time, 5)


def test_lockout_page_is_translated(client, customer_service):
    fail(client, "service", 4)
    response = log_in(client, "service", "wrong-password", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()


def test_behind_a_proxy_the_forwarded_address_counts(client, customer_service, settings):
    settings.USE_X_FORWARDED_FOR = True
    proxy = "10.0.0.1"
    for _ in range(5):
        log_in(client, "service", "wrong-password", address=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {OFFICE}")
    assert FailedLogin.objects.get().ip_address == OFFICE
    other_client = log_in(client, "service", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other_client.status_code == 302
    locked = log_in(client, "service", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {OFFICE}")
    assert locked.status_code == 429


def test_log_lines_name_neither_the_username_nor_the_address(client, customer_service, caplog):
    with caplog.at_level(logging.DEBUG):
        fail(client, "service", 5)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "Locking out" in text
    assert "service" not in text and OFFICE not in text


def test_dpo_sees_failed_logins_and_releases_a_lockout(dpo_client, customer_service):
    client = Client()
    fail(client, "service", 5)
    listing = dpo_client.get(reverse("admin:staff_failedlogin_changelist"))
    assert listing.status_code == 200
    assert "service" in listing.content.decode() and OFFICE in listing.content.decode()
    response = dpo_client.post(
        reverse("admin:staff_failedlogin_changelist"),
        {"action": "release", "_selected_action": [FailedLogin.objects.get().pk]},
    )
    assert response.status_code == 302
    assert not FailedLogin.objects.exists()
    assert log_in(client, "service", PASSWORD).status_code == 302


@pytest.mark.parametrize("name", ["admin:staff_failedlogin_changelist", "admin:staff_stafflogin_changelist"])
def test_customer_service_cannot_see_sign_in_records(service_client, name):
    assert service_client.get(reverse(name)).status_code == 403


def test_customer_service_cannot_release_a_lockout(service_client, dpo):
    fail(Client(), "dpo", 5)
    response = service_client.post(
        reverse("admin:staff_failedlogin_changelist"),
        {"action": "release", "_selected_action": [FailedLogin.objects.get().pk]},
    )
    assert response.status_code == 403
    assert FailedLogin.objects.exists()


def test_sign_in_records_are_listed_for_the_dpo_only(dpo, customer_service):
    dpo_client = login_with_second_factor(Client(), dpo)
    service_client = login_with_second_factor(Client(), customer_service)
    assert "Staff sign-in" in dpo_client.get(reverse("admin:index")).content.decode()
    assert "Staff sign-in" not in service_client.get(reverse("admin:index")).content.decode()


def test_successful_logins_are_recorded_for_the_dpo(dpo_client, customer_service):
    log_in(Client(), "service", PASSWORD)
    listing = dpo_client.get(reverse("admin:staff_stafflogin_changelist")).content.decode()
    assert "service" in listing and OFFICE in listing
