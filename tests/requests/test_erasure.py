"""Erasure: preview with holds per country, all-or-nothing, permissions and legal claims."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Invoice, Order
from register.registry import registry
from requests.erasure import ErasureBlocked, erase_customer, preview_erasure
from requests.models import LegalClaim, Request
from tests.factories import make_customer, make_invoice, make_order, make_payment, make_request

pytestmark = pytest.mark.django_db


def placed_2024():
    return timezone.make_aware(datetime(2024, 5, 10, 12, 0))


def held(plan, model):
    return {(i.hold, i.until) for i in plan.retained if i.model is model}


@pytest.mark.parametrize(
    ("country", "until"),
    [
        ("FI", date(2030, 12, 31)),  # Kirjanpitolaki: vouchers 6 years from the end of the year
        ("SE", date(2031, 12, 31)),  # Bokföringslagen: 7 years
        # Bokføringsloven § 13: an order without an invoice is secondary documentation, 3.5 years
        # after the end of the financial year.
        ("NO", date(2028, 6, 30)),
        ("EE", date(2031, 12, 31)),  # Raamatupidamise seadus: 7 years
    ],
)
def test_preview_lists_bookkeeping_hold_until_the_countrys_date(settings, country, until):
    settings.SHOP_COUNTRY = country
    order = make_order(placed_at=placed_2024())
    plan = preview_erasure(order.customer)
    assert held(plan, Order) == {("bookkeeping", until)}
    assert Order.objects.get(pk=order.pk).delivery_name  # a preview changes nothing


@pytest.mark.parametrize("country", ["FI", "SE", "NO", "EE"])
def test_erasure_promises_the_day_the_retention_job_deletes_the_order(country):
    from customers.models import OrderLine
    from register.models import PurgeRuleResult
    from register.retention import run_purge
    from tests.factories import make_order_line, make_published_retention_register

    make_published_retention_register(country)
    order = make_order(placed_at=placed_2024())
    make_order_line(order)
    ((_, until),) = held(preview_erasure(order.customer), Order)

    def purge_on(day):
        now = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))
        result = run_purge(only="order_bookkeeping", now=now).results.get()
        assert result.status == PurgeRuleResult.Status.DONE, result.error
        return result.total

    assert purge_on(until) == 0
    assert purge_on(until + timedelta(days=1)) == 1
    assert not Order.objects.filter(pk=order.pk).exists() and not OrderLine.objects.exists()


def test_preview_keeps_unfinished_orders_as_they_are():
    order = make_order(status=Order.Status.PENDING)
    plan = preview_erasure(order.customer)
    item = next(i for i in plan.retained if i.model is Order)
    assert (item.hold, item.keeps_identifiers, item.until) == ("pending_order", True, None)
    erase_customer(order.customer, reason="test")
    order.refresh_from_db()
    assert order.delivery_name  # still needed to deliver


def snapshot(customer: Customer) -> dict:
    orders = Order.objects.filter(customer=customer)
    return {
        "customer": model_to_dict(Customer.objects.get(pk=customer.pk)),
        "history": list(customer.history.values()),
        "orders": [model_to_dict(o) for o in orders],
        "invoices": [model_to_dict(i) for i in Invoice.objects.filter(order__in=orders)],
        "consents": list(customer.consent_events.values()),
    }


def test_erasure_failing_halfway_leaves_the_customer_exactly_as_before(monkeypatch):
    customer = make_customer()
    make_payment(make_invoice(make_order(customer)))
    customer.grant_consent("newsletter_email", via="checkout")
    before = snapshot(customer)

    def boom(declaration, pks, delete):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry.declaration(Invoice), "eraser", boom)
    with pytest.raises(RuntimeError):
        erase_customer(customer, reason="test")
    assert snapshot(customer) == before


def test_active_legal_claim_blocks_erasure(dpo):
    customer = make_customer()
    order = make_order(customer)
    make_invoice(order)
    LegalClaim.objects.create(
        customer=customer, note="Disputed payment", until=date(2099, 1, 1), noted_by=dpo
    )
    plan = preview_erasure(customer)
    assert plan.blocked and {i.hold for i in plan.retained} == {"legal_claim"}
    # Every row is kept under the claim, the orders and invoices (models with holds of their own) too.
    kept = {item.model: item.pks for item in plan.retained}
    assert kept[Order] == [order.pk] and len(kept[Invoice]) == 1
    with pytest.raises(ErasureBlocked):
        erase_customer(customer, reason="test")
    customer.refresh_from_db()
    assert customer.erased_at is None and customer.email


def erasure_request(customer) -> Request:
    req = make_request(kind=Request.Kind.ERASURE, email=customer.email)
    req.customers.add(customer)
    return req


def test_customer_service_sees_the_preview_but_cannot_erase(service_client):
    customer = make_customer()
    make_invoice(make_order(customer, total=Decimal("12.00")))
    req = erasure_request(customer)
    url = reverse("admin:requests_request_erasure", args=[req.pk])
    page = service_client.get(url)
    assert page.status_code == 200
    assert b'value="Erase"' not in page.content
    assert service_client.post(url).status_code == 403
    customer.refresh_from_db()
    assert customer.erased_at is None


def test_dpo_preview_shows_removed_and_retained_with_dates(dpo_client, settings):
    settings.SHOP_COUNTRY = "SE"
    customer = make_customer()
    make_order(customer, placed_at=placed_2024())
    req = erasure_request(customer)
    page = dpo_client.get(reverse("admin:requests_request_erasure", args=[req.pk]))
    assert page.status_code == 200
    assert b"2031-12-31" in page.content and b'value="Erase"' in page.content
    dpo_client.post(
        reverse("admin:requests_request_erasure_confirm", args=[req.pk]),
        {"typed_numbers": customer.customer_number},
    )
    customer.refresh_from_db()
    assert customer.erased_at is not None


def test_retention_signature_erases_without_a_request():
    customer = make_customer()
    record = erase_customer(customer, request=None, by=None, reason="retention")
    customer.refresh_from_db()
    assert record.reason == "retention" and customer.erased_at is not None and customer.email == ""


def test_erasing_a_customer_with_a_rejected_request_keeps_the_justification():
    customer = make_customer()
    rejected = make_request(
        kind=Request.Kind.ERASURE,
        status=Request.Status.REJECTED,
        rejection_reason=Request.RejectionReason.EXCESSIVE,
        rejection_justification="The fourth identical request this month.",
        extension_reason="Many records to check.",
        message="Radera allt",
    )
    rejected.customers.add(customer)

    erase_customer(customer, reason="test")

    rejected.refresh_from_db()
    assert (rejected.email, rejected.name, rejected.message) == ("", "", "")
    # The controller's own reasons are evidence (GDPR Art. 12(4), 12(5)), not the customer's data.
    assert rejected.rejection_justification == "The fourth identical request this month."
    assert rejected.extension_reason == "Many records to check."
    assert Customer.objects.get(pk=customer.pk).erased_at is not None
