"""Objection (Art. 21) and withdrawal (Art. 7(3)) take effect on verification; staff confirm."""

import pytest
from django.core import mail
from django.urls import reverse

from customers.models import Customer, Suppression
from requests.models import Request
from tests.factories import make_consent, make_customer, make_request

pytestmark = pytest.mark.django_db


def awaiting(kind, customer, **fields) -> Request:
    return make_request(
        kind=kind, email=customer.email, status=Request.Status.AWAITING_VERIFICATION, **fields
    )


def test_objection_is_immediate_on_verification_and_suppresses(dpo):
    customer = make_customer()
    make_consent(customer, "newsletter_email", "granted")
    req = awaiting(Request.Kind.OBJECTION, customer)
    req.verify(by=dpo, method=Request.VerificationMethod.CUSTOMER_ACCOUNT)
    customer.refresh_from_db()
    assert customer.has_consent("newsletter_email") is False
    event = customer.latest_consent_event("newsletter_email")
    assert (event.via, event.evidence) == ("request", req.number)
    assert Suppression.objects.contains_email(customer.email)
    assert not Customer.objects.marketable("newsletter_email").filter(pk=customer.pk).exists()


def test_withdrawal_withdraws_only_the_chosen_purposes(dpo):
    customer = make_customer()
    make_consent(customer, "newsletter_email", "granted")
    make_consent(customer, "sms_marketing", "granted")
    req = awaiting(Request.Kind.WITHDRAWAL, customer, withdrawal_purposes=["sms_marketing"])
    req.verify(by=dpo, method=Request.VerificationMethod.CUSTOMER_ACCOUNT)
    assert customer.has_consent("sms_marketing") is False
    assert customer.has_consent("newsletter_email") is True
    assert not Suppression.objects.contains_email(customer.email)


def test_staff_close_with_a_confirmation_in_the_customers_language(service_client, customer_service):
    customer = make_customer()
    req = awaiting(Request.Kind.OBJECTION, customer, language="nb")
    req.verify(by=customer_service, method=Request.VerificationMethod.CUSTOMER_ACCOUNT)
    req.confirm_match(req.customers.all(), by=customer_service)
    response = service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "confirm"]))
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Request.Status.COMPLETED
    assert req.messages.get(template="objection_confirmation").language == "nb"
    assert mail.outbox[-1].to == [customer.email]


def test_outsider_cannot_confirm(client, outsider):
    client.force_login(outsider)
    req = make_request(kind=Request.Kind.OBJECTION)
    response = client.post(reverse("admin:requests_request_rights", args=[req.pk, "confirm"]))
    assert response.status_code == 302 and "/login/" in response.url
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED
