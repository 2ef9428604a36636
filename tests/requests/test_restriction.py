"""Restriction (Art. 18): applied from a verified request; lifting needs a recorded notice."""

from datetime import timedelta

import pytest
from django.urls import reverse

from customers.models import Customer
from requests.models import Request
from requests.rights import latest_lift_notice
from tests.factories import (
    make_complete_register,
    make_customer,
    make_matched_request,
    make_order,
    make_request,
)

pytestmark = pytest.mark.django_db


def restriction_request(customer) -> Request:
    return make_matched_request([customer], kind=Request.Kind.RESTRICTION)


def test_staff_apply_restriction_from_the_request(service_client):
    make_complete_register()
    customer = make_customer()
    req = restriction_request(customer)
    service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "restrict"]))
    customer.refresh_from_db()
    assert customer.is_restricted
    assert not Customer.objects.marketable("newsletter_email").filter(pk=customer.pk).exists()
    assert req.recipient_notifications.filter(action="restriction").count() == 1


def test_lift_is_refused_without_a_recorded_notice(dpo):
    customer = make_customer()
    customer.restrict("accuracy contested", by=dpo)
    with pytest.raises(ValueError):
        customer.lift_restriction(by=dpo, notified_at=None)
    customer.refresh_from_db()
    assert customer.is_restricted


def test_lift_after_the_customer_was_told(service_client):
    customer = make_customer()
    req = restriction_request(customer)
    service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "restrict"]))
    service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "lift"]))
    customer.refresh_from_db()
    assert customer.is_restricted  # nobody told the customer yet
    service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "lift_notice"]))
    assert latest_lift_notice(customer).template == "restriction_lift"
    service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "lift"]))
    customer.refresh_from_db()
    assert not customer.is_restricted


def test_banner_on_customer_and_order_pages(service_client, customer_service):
    customer = make_customer()
    order = make_order(customer)
    customer.restrict("objection pending", by=customer_service)
    for url in (
        reverse("admin:customers_customer_change", args=[customer.pk]),
        reverse("admin:customers_order_change", args=[order.pk]),
    ):
        page = service_client.get(url, follow=True)
        assert b"GDPR Art. 18" in page.content


def test_lift_is_refused_with_a_notice_sent_before_the_restriction(dpo):
    customer = make_customer()
    customer.restrict("accuracy contested", by=dpo)
    with pytest.raises(ValueError):
        customer.lift_restriction(by=dpo, notified_at=customer.restricted_at - timedelta(minutes=1))
    customer.refresh_from_db()
    assert customer.is_restricted


def test_customer_admin_lifts_only_after_the_customer_was_told(service_client):
    customer = make_customer()
    req = restriction_request(customer)
    service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "restrict"]))
    lift = {"action": "lift_restriction", "_selected_action": [customer.pk]}
    page = service_client.post(reverse("admin:customers_customer_changelist"), lift, follow=True)
    customer.refresh_from_db()
    assert customer.is_restricted
    assert b"Art. 18(3)" in page.content
    service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "lift_notice"]))
    service_client.post(reverse("admin:customers_customer_changelist"), lift)
    customer.refresh_from_db()
    assert not customer.is_restricted


def test_restriction_waits_for_the_confirmed_match(service_client):
    customer = make_customer()
    req = make_request(kind=Request.Kind.RESTRICTION, email=customer.email)
    req.customers.add(customer)  # proposed, not confirmed: it could be someone else

    response = service_client.post(
        reverse("admin:requests_request_rights", args=[req.pk, "restrict"]), follow=True
    )

    customer.refresh_from_db()
    assert not customer.is_restricted
    assert "Confirm which customers the request concerns first." in response.content.decode()
