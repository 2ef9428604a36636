"""Intake: the public form and the staff's "Add request" store requests through one function."""

from datetime import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from requests import intake
from requests.intake import receive_request
from requests.models import RectificationChange, Request, RequestEvent
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def event_kinds(req: Request) -> list[str]:
    return list(req.events.order_by("at", "id").values_list("kind", flat=True))


def test_intake_records_creation_with_the_channel_and_no_customer_lookup():
    make_customer(email="kund@example.org")
    req = receive_request(kind="access", received_via="phone", language="fi", email="kund@example.org")
    assert req.status == Request.Status.RECEIVED
    created = req.events.get()
    assert (created.kind, created.actor, created.detail) == (RequestEvent.Kind.CREATED, None, "")
    # The channel is stored as a code and worded in the reader's language when shown.
    assert (created.detail_code, created.detail_args) == ("received_via", {"via": "phone"})
    with translation.override("sv"):
        assert created.describe() == "Telefon"
    with translation.override("fi"):
        assert created.describe() == "Puhelin"
    assert not req.customers.exists()
    assert mail.outbox == []


def test_an_event_detail_is_worded_in_the_readers_language_and_old_details_stay_readable():
    req = receive_request(kind="access", received_via="web_form", language="en", email="kund@example.org")
    reason = Request.RejectionReason.MANIFESTLY_UNFOUNDED
    req.reject(reason=reason, justification="Samma begäran igen", by=None)
    rejected = req.events.get(kind=RequestEvent.Kind.REJECTED)
    assert rejected.detail == "Samma begäran igen"  # what staff typed, as typed
    with translation.override("nb"):
        label = str(Request.RejectionReason.MANIFESTLY_UNFOUNDED.label)
        assert rejected.describe() == f"{label}: Samma begäran igen"
    old = req.log(RequestEvent.Kind.ASSIGNED, detail="Verkkolomake")
    assert old.describe() == "Verkkolomake"


def test_intake_counts_the_deadline_from_when_the_request_was_received():
    received = timezone.make_aware(datetime(2025, 1, 31, 10, 0))
    req = receive_request(kind="access", received_via="letter", language="sv", received_at=received)
    assert req.received_at == received
    assert req.due_date.isoformat() == "2025-02-28"


def test_staff_verification_at_intake_is_recorded_after_creation(dpo):
    customer = make_customer(email="kund@example.org")
    req = receive_request(
        kind="access",
        received_via="visit",
        language="sv",
        email="kund@example.org",
        by=dpo,
        verification_method="personal_visit",
    )
    assert req.status == Request.Status.VERIFIED
    assert req.verified_by == dpo
    assert event_kinds(req)[:2] == [RequestEvent.Kind.CREATED, RequestEvent.Kind.VERIFIED]
    assert req.events.get(kind=RequestEvent.Kind.CREATED).actor == dpo
    assert list(req.customers.all()) == [customer]
    assert req.history.earliest().history_user == dpo


def test_only_rectification_requests_keep_proposed_corrections():
    proposals = {"phone": "+46701234567", "not_a_field": "x"}
    rectification = receive_request(
        kind="rectification", received_via="email", language="sv", proposals=proposals
    )
    access = receive_request(kind="access", received_via="email", language="sv", proposals=proposals)
    assert list(RectificationChange.objects.values_list("request", "field")) == [(rectification.pk, "phone")]
    assert not access.rectifications.exists()


def test_public_form_goes_through_intake_and_emails_the_link(client, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "requests.views.receive_request",
        lambda **kwargs: calls.append(kwargs) or intake.receive_request(**kwargs),
    )
    response = client.post(reverse("requests:new"), {"kind": "access", "email": "kund@example.org"})
    assert response.status_code == 302
    assert calls and calls[0]["received_via"] == Request.Channel.WEB_FORM
    req = Request.objects.get()
    assert event_kinds(req) == [RequestEvent.Kind.CREATED, RequestEvent.Kind.VERIFICATION_SENT]
    assert len(mail.outbox) == 1


def test_staff_add_goes_through_intake(dpo_client, dpo, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "requests.admin.request.receive_request",
        lambda **kwargs: calls.append(kwargs) or intake.receive_request(**kwargs),
    )
    response = dpo_client.post(
        reverse("admin:requests_request_add"),
        {
            "kind": "access",
            "received_via": "phone",
            "received_at_0": "2025-03-01",
            "received_at_1": "10:00:00",
            "language": "nb",
            "email": "kund@example.org",
            "withdrawal_purposes": "[]",
            "verification_method": "",
        },
    )
    req = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:requests_request_changelist")
    assert LogEntry.objects.get().object_id == str(req.pk)
    assert calls and calls[0]["by"] == dpo
    assert event_kinds(req) == [RequestEvent.Kind.CREATED]
    assert mail.outbox == []
