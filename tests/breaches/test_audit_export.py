"""Audit exports: requests of a period (CSV, JSON) and the consent ledger with notice versions."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from breaches import audit
from customers.models import ConsentEvent, ConsentPurpose
from register.models import NoticeVersion
from requests.models import Request
from tests.factories import make_customer, make_published_retention_register, make_request

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def at(y, m, d, h=12):
    return datetime(y, m, d, h, tzinfo=HELSINKI)


@pytest.fixture
def period_requests(dpo):
    done = make_request(
        kind="access",
        email="secret.person@example.com",
        name="Secret Person",
        status=Request.Status.COMPLETED,
        received_at=at(2026, 3, 2),
        verified_at=at(2026, 3, 3),
        completed_at=at(2026, 3, 20),
        closed_at=at(2026, 3, 20),
        assignee=dpo,
    )
    rejected = make_request(
        kind="erasure",
        received_via="email",
        status=Request.Status.REJECTED,
        received_at=at(2026, 3, 31, 23),  # the last day of the period, late in the evening
        rejection_reason="excessive",
        rejection_justification="Fourth request this month",
        closed_at=at(2026, 4, 2),
    )
    make_request(received_at=at(2026, 4, 1, 1))  # after the period
    return done, rejected


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_requests_of_a_period_as_csv_without_personal_data(dpo_client, period_requests):
    done, rejected = period_requests
    url = reverse("admin:breaches_breach_audit_requests")
    response = dpo_client.get(url, {"start": "2026-03-01", "end": "2026-03-31", "format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert [row["number"] for row in rows] == [done.number, rejected.number]
    first, second = rows
    assert first == {
        "number": done.number,
        "kind": "access",
        "channel": "web_form",
        "received": "2026-03-02T12:00:00+02:00",
        "verified": "2026-03-03T12:00:00+02:00",
        "due": "2026-04-02",
        "extended_to": "",
        "outcome": "completed",
        "closed": "2026-03-20T12:00:00+02:00",
        "rejection_reason": "",
        "handled_by": "dpo",
        "days_taken": "18",
    }
    assert (second["outcome"], second["rejection_reason"], second["days_taken"]) == (
        "rejected",
        "excessive",
        "2",
    )
    assert second["channel"] == "email"
    body = json.dumps(rows)
    assert "secret.person" not in body and "Secret Person" not in body and "Fourth request" not in body


def test_requests_of_a_period_as_json(dpo_client, period_requests):
    url = reverse("admin:breaches_breach_audit_requests")
    response = dpo_client.get(url, {"start": "2026-03-01", "end": "2026-03-31", "format": "json"})
    data = json.loads(b"".join(response.streaming_content))
    assert [row["number"] for row in data] == [r.number for r in period_requests]
    assert data[0]["days_taken"] == 18 and data[1]["rejection_reason"] == "excessive"


def test_request_rows_are_read_in_chunks(monkeypatch, period_requests):
    monkeypatch.setattr(audit, "CHUNK", 1)
    rows = list(audit.request_rows(date(2026, 1, 1), date(2026, 12, 31)))
    assert len(rows) == 3 and len({row["number"] for row in rows}) == 3


def test_consent_ledger_with_the_notice_version_in_force_at_each_event(dpo_client):
    make_published_retention_register()
    first = NoticeVersion.objects.get()
    NoticeVersion.objects.filter(pk=first.pk).update(published_at=at(2026, 1, 1))
    second = NoticeVersion.objects.create(
        register=first.register, number=2, published_at=at(2026, 3, 10), content={}, snapshot={}
    )
    purpose = ConsentPurpose.objects.get(code="newsletter_email")
    customer = make_customer()
    events = [
        ConsentEvent.objects.create(
            customer=customer, purpose=purpose, action=a, occurred_at=when, via="checkout"
        )
        for a, when in (
            ("granted", at(2026, 3, 1)),
            ("withdrawn", at(2026, 3, 15)),
            ("granted", at(2026, 5, 1)),
        )
    ]
    url = reverse("admin:breaches_breach_audit_consents")
    response = dpo_client.get(
        url, {"purpose": "newsletter_email", "start": "2026-03-01", "end": "2026-03-31"}
    )
    rows = read_csv(response)
    assert [(int(r["event"]), r["action"], r["notice_version"]) for r in rows] == [
        (events[0].pk, "granted", "1"),
        (events[1].pk, "withdrawn", "2"),
    ]
    for row, event in zip(rows, events, strict=False):
        assert int(row["notice_version"]) == NoticeVersion.objects.in_force_on(event.occurred_at).number
    assert second.number == 2


NAMES = ("breaches_breach_audit_requests", "breaches_breach_audit_consents")


@pytest.mark.parametrize("name", NAMES)
def test_exports_are_refused_to_customer_service(service_client, name):
    url = reverse(f"admin:{name}")
    response = service_client.get(
        url, {"purpose": "newsletter_email", "start": "2026-01-01", "end": "2026-01-31"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("name", NAMES)
def test_exports_show_the_dpo_a_form_and_only_read(dpo_client, name):
    url = reverse(f"admin:{name}")
    assert dpo_client.get(url).status_code == 200  # the form
    assert dpo_client.post(url).status_code == 403


def test_a_period_ending_before_it_starts_is_refused(dpo_client):
    url = reverse("admin:breaches_breach_audit_requests")
    response = dpo_client.get(url, {"start": "2026-03-31", "end": "2026-03-01"})
    assert response.status_code == 200 and not response.streaming
    assert response.context["form"].errors


def test_period_bounds_follow_the_shops_time_zone():
    low, high = audit._bounds(date(2026, 3, 1), date(2026, 3, 31))
    assert high.astimezone(UTC) - low.astimezone(UTC) == timedelta(days=31) - timedelta(
        hours=1
    )  # the clocks go forward on 29 March
