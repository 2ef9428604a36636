"""Request emails go through the outgoing-message queue: a mail failure never loses a request."""

from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from register.models import OutboxMessage
from requests.emails import send_request_email
from requests.erasure import erase_customer
from requests.models import Request
from tests.factories import make_customer, make_request

pytestmark = pytest.mark.django_db

SMTP_DOWN = mock.patch(
    "django.core.mail.EmailMultiAlternatives.send", side_effect=SMTPServerDisconnected("connection refused")
)


def test_a_request_is_stored_and_its_link_waits_in_the_queue_when_the_mail_server_is_down(client):
    with translation.override("fi"):
        url = reverse("requests:new")
    with SMTP_DOWN:
        response = client.post(url, {"kind": "access", "email": "anna@example.org", "name": "Anna"})
    assert response.status_code == 302
    req = Request.objects.get()
    assert req.status == Request.Status.AWAITING_VERIFICATION
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.reference == f"requests.request:{req.pk}"
    assert message.next_attempt_at is not None


def test_a_rejection_email_that_cannot_be_sent_keeps_the_rejection_and_waits(dpo):
    req = make_request(status=Request.Status.IN_PROGRESS)
    with SMTP_DOWN:
        req.reject(by=dpo, reason="excessive", justification="Third identical request this month.")
    req.refresh_from_db()
    assert req.status == Request.Status.REJECTED
    # Stored as correspondence, and waiting for the mail server in the queue.
    assert req.messages.filter(template="rejection").exists()
    assert (
        OutboxMessage.objects.get(reference=f"requests.request:{req.pk}").status
        == OutboxMessage.Status.QUEUED
    )


def test_erasure_cancels_and_empties_waiting_emails_about_the_customers_requests():
    customer = make_customer(email="anna@example.org")
    req = make_request(email="anna@example.org", status=Request.Status.IN_PROGRESS)
    req.customers.add(customer)
    with SMTP_DOWN:
        send_request_email(req, "acknowledgement")
    waiting = OutboxMessage.objects.get()
    assert "anna@example.org" in waiting.target

    erase_customer(customer, reason="test")

    waiting.refresh_from_db()
    assert waiting.status == OutboxMessage.Status.CANCELLED
    assert waiting.target == "" and waiting.body == ""
