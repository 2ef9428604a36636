"""After erasure, a search of every table of the database finds none of the customer's identifiers."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Invoice, Order, Payment, Return, Suppression
from requests.erasure import erase_customer
from requests.models import ErasureRecord, Request, RequestMessage
from tests.factories import (
    make_complete_register,
    make_consent,
    make_invoice,
    make_order,
    make_order_line,
    make_payment,
    make_request,
    make_return,
)
from tests.scan import find_in_database, needles

pytestmark = pytest.mark.django_db

IDENTIFIERS = {
    "first_name": "Ottiliana",
    "last_name": "Wrzesniewski",
    "email": "Ottiliana.Wrzesniewski@Example.net",
    "phone": "+358 40 765 4329",
    "street_address": "Kvarnbackavägen 77 B 12",
    "identity_number": "131052-308T",
    "bank_account": "FI49 5000 9420 0287 30",
}


def identifiers() -> list[str]:
    values = list(IDENTIFIERS.values())
    values += [IDENTIFIERS["email"].casefold(), "+358407654329", "FI4950009420028730", "765 4329"]
    return needles(*values)


def customer_form(**overrides) -> dict:
    data = {
        "customer_number": "C-ERASE-1",
        "language": "fi",
        "gender": "female",
        "company": "",
        "business_id": "",
        "homepage": "",
        "username": "ottiliana77",
        "postal_code": "00250",
        "city": "Helsinki",
        "country": "FI",
        "last_activity_at_0": "",
        "last_activity_at_1": "",
        "relationship_ended_at_0": "",
        "relationship_ended_at_1": "",
        "restriction_reason": "",
        **IDENTIFIERS,
    }
    data.update(overrides)
    return data


def create_through_admin(client) -> Customer:
    response = client.post(reverse("admin:customers_customer_add"), customer_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    customer = Customer.objects.get(customer_number="C-ERASE-1")
    change = reverse("admin:customers_customer_change", args=[customer.pk])
    for city in ("Espoo", "Vantaa"):
        response = client.post(change, customer_form(city=city, phone="040 765 4329"))
        assert response.status_code == 302, response.context["adminform"].form.errors
    client.post(change, customer_form(city="Turku"))
    customer.refresh_from_db()
    assert customer.history.count() >= 3
    return customer


@pytest.fixture
def erased_world(dpo_client, dpo, settings):
    settings.SHOP_COUNTRY = "FI"
    make_complete_register()
    customer = create_through_admin(dpo_client)
    full_name = f"{IDENTIFIERS['first_name']} {IDENTIFIERS['last_name']}"
    placed = timezone.now() - timedelta(days=400)
    order = make_order(customer, placed_at=placed, delivery_name=full_name)
    make_order_line(order)
    invoice = make_invoice(order, issued_at=placed, billing_name=full_name)
    payment = make_payment(invoice, paid_at=placed)
    ret = make_return(
        order,
        status=Return.Status.REFUNDED,
        returned_at=placed,
        refund_amount=Decimal("10.00"),
        refund_account=IDENTIFIERS["bank_account"],
        reason=f"Sent back by {full_name}",
    )
    order.mark_delivered()
    make_consent(customer, "newsletter_email", "granted")
    make_consent(customer, "sms_marketing", "granted", evidence=f"phone call with {full_name}")
    make_consent(customer, "sms_marketing", "withdrawn")
    req = make_request(
        kind=Request.Kind.ERASURE,
        email=IDENTIFIERS["email"],
        name=full_name,
        language="fi",
        message=f"Poistakaa tietoni. {full_name}, {IDENTIFIERS['street_address']}",
    )
    req.customers.add(customer)
    RequestMessage.objects.create(
        request=req,
        direction=RequestMessage.Direction.INCOMING,
        recipient=IDENTIFIERS["email"],
        subject="Erasure",
        body=f"From {full_name}",
        language="fi",
    )
    assert find_in_database(identifiers()), "the search must find the data before erasure"
    preview = dpo_client.get(reverse("admin:requests_request_erasure", args=[req.pk]))
    assert preview.status_code == 200
    response = dpo_client.post(
        reverse("admin:requests_request_erasure_confirm", args=[req.pk]),
        {"typed_numbers": customer.customer_number},
    )
    assert response.status_code == 302
    return {
        "customer": customer,
        "order": order,
        "invoice": invoice,
        "payment": payment,
        "return": ret,
        "request": req,
        "placed": placed,
    }


def test_whole_database_holds_none_of_the_erased_identifiers(erased_world):
    assert find_in_database(identifiers()) == []


def test_retained_bookkeeping_rows_keep_amounts_and_dates_without_identifiers(erased_world):
    order = Order.objects.get(pk=erased_world["order"].pk)
    invoice = Invoice.objects.get(pk=erased_world["invoice"].pk)
    payment = Payment.objects.get(pk=erased_world["payment"].pk)
    ret = Return.objects.get(pk=erased_world["return"].pk)
    assert order.total == Decimal("49.90") and order.placed_at == erased_world["placed"]
    assert order.delivery_name == order.delivery_street == order.delivery_phone == ""
    # Finland, vouchers: 6 years from the end of the calendar year of the financial year.
    assert order.purge_after.year == erased_world["placed"].year + 6
    assert (order.purge_after.month, order.purge_after.day) == (12, 31)

    assert invoice.amount == Decimal("49.90") and invoice.billing_name == invoice.billing_address == ""
    assert payment.amount == Decimal("49.90") and payment.paid_at == erased_world["placed"]
    assert ret.refund_amount == Decimal("10.00") and ret.refund_account == "" and ret.reason == ""


def test_purge_after_follows_the_latest_record_of_the_order(erased_world):
    later = make_return(erased_world["order"], status=Return.Status.REFUNDED)
    erase_customer(erased_world["customer"], reason="retention")
    order = Order.objects.get(pk=erased_world["order"].pk)
    assert order.purge_after.year == later.returned_at.year + 6


def test_customer_is_anonymised_valid_and_marked_erased(erased_world):
    customer = Customer.objects.get(pk=erased_world["customer"].pk)
    customer.full_clean()
    assert customer.erased_at is not None
    assert customer.email == customer.first_name == customer.identity_number == ""
    assert customer.customer_number == "C-ERASE-1"


def test_consents_reduced_to_proof_of_withdrawal(erased_world):
    customer = erased_world["customer"]
    events = list(customer.consent_events.values_list("purpose__code", "action", "via"))
    assert sorted(events) == [
        ("newsletter_email", "withdrawn", "request"),
        ("sms_marketing", "withdrawn", "request"),
    ]


def test_customer_who_had_withdrawn_is_suppressed_after_erasure(erased_world):
    assert Suppression.objects.contains_email(IDENTIFIERS["email"])
    assert Suppression.objects.contains_phone(IDENTIFIERS["phone"])


def test_record_lists_rows_and_fields_but_no_values(erased_world):
    record = ErasureRecord.objects.get(request=erased_world["request"])
    models = {item["model"] for item in record.items}
    assert {"customers.customer", "customers.order", "customers.invoice"} <= models
    retained = [i for i in record.items if i["action"] == "retain" and i["model"] == "customers.invoice"]
    assert retained[0]["hold"] == "bookkeeping" and re.match(r"\d{4}-12-31", retained[0]["until"])


def test_request_is_minimised_but_kept_as_evidence(erased_world):
    req = Request.objects.get(pk=erased_world["request"].pk)
    assert req.email == req.name == req.message == ""
    assert req.kind == Request.Kind.ERASURE and req.received_at and req.status == Request.Status.IN_PROGRESS


def test_customer_is_told_the_outcome_in_their_language_with_what_is_retained(erased_world):
    outcome = [m for m in mail.outbox if m.to == [IDENTIFIERS["email"]]]
    assert len(outcome) == 1
    body = outcome[0].body
    assert "Kirjanpito" in body or "kirjanpito" in body
    assert str(erased_world["placed"].year + 6) in body
    stored = erased_world["request"].messages.get(template="erasure_outcome")
    assert stored.recipient == "" and stored.language == "fi"


def test_recipients_get_art_19_tasks(erased_world):
    tasks = erased_world["request"].recipient_notifications.all()
    assert [(t.recipient_name, t.action, t.status) for t in tasks] == [("Posti [sv]", "erasure", "pending")]
