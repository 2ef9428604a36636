"""Preview and erasure run the same number of queries for 10 and 200 orders (never one per row)."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Order
from register.models import HeldRecord, HoldEvent, HoldKind, StatutoryHold
from requests.erasure import erase_customer, preview_erasure
from tests.factories import (
    make_consent,
    make_customer,
    make_invoice,
    make_order,
    make_order_line,
    make_payment,
    make_return,
)

pytestmark = pytest.mark.django_db

# The preview reads each model's rows and each hold's facts once: a fixed number per declared model,
# 42 with every app's declarations today (breach notices and identity evidence are declared too).
# Erasure adds one statement per model written, a fixed number.
BOUND = 42
ERASE_BOUND = 75


def customer_with(orders: int, staff):
    customer = make_customer()
    now = timezone.now()
    order_type = ContentType.objects.get_for_model(Order)
    for n in range(orders):
        status = (Order.Status.DELIVERED, Order.Status.PENDING, Order.Status.RETURNED)[n % 3]
        order = make_order(customer=customer, status=status, placed_at=now - timedelta(days=n * 40))
        make_order_line(order=order)
        invoice = make_invoice(order=order)
        make_payment(invoice=invoice)
        if status == Order.Status.RETURNED:
            make_return(order=order)
        LogEntry.objects.create(
            user=staff,
            content_type=order_type,
            object_id=str(order.pk),
            object_repr=str(order),
            action_flag=CHANGE,
        )
    make_consent(customer=customer)
    return customer


@pytest.fixture
def statutory_holds():
    # Holds of several kinds, so the holds of each (country, kind) are looked up for many orders.
    for kind, event in (
        (HoldKind.CONSUMER_COMPLAINT, HoldEvent.DELIVERY),
        (HoldKind.LIMITATION, HoldEvent.INVOICE_ISSUE),
    ):
        StatutoryHold.objects.create(
            kind=kind,
            statute="test statute",
            records=[HeldRecord.ORDERS, HeldRecord.INVOICES, HeldRecord.RETURNS],
            period_amount=3,
            period_unit="years",
            counts_from=event,
        )


def count_queries(function, customer):
    with CaptureQueriesContext(connection) as captured:
        function(customer)
    return len(captured.captured_queries)


def test_preview_and_erase_run_the_same_bounded_number_of_queries_for_10_and_200_orders(dpo, statutory_holds):
    small, big = customer_with(10, dpo), customer_with(200, dpo)
    erase_customer(customer_with(1, dpo), by=dpo, reason="test")  # the process's content-type cache filled
    preview = [count_queries(preview_erasure, customer) for customer in (small, big)]
    erase = [count_queries(lambda c: erase_customer(c, by=dpo, reason="test"), c) for c in (small, big)]
    assert preview[0] == preview[1] <= BOUND, preview
    assert erase[0] == erase[1] <= ERASE_BOUND, erase
    assert Order.objects.filter(customer=big, delivery_name="").exists()


def test_admin_log_of_erased_rows_is_scrubbed_in_one_statement(dpo):
    customer = customer_with(30, dpo)
    with CaptureQueriesContext(connection) as captured:
        erase_customer(customer, by=dpo, reason="test")
    updates = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "django_admin_log"')
    ]
    assert len(updates) == 1
    orders = Order.objects.filter(customer=customer)
    scrubbed = [str(pk) for pk in orders.filter(delivery_name="").values_list("pk", flat=True)]
    kept = [str(pk) for pk in orders.exclude(delivery_name="").values_list("pk", flat=True)]
    assert scrubbed and kept  # pending orders are kept as they are, their log entries too
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Order))
    assert set(entries.filter(object_repr="[erased]").values_list("object_id", flat=True)) == set(scrubbed)
