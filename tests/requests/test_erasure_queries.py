"""Preview and erasure run the same number of queries for few and many rows (never one per row)."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import ConsentEvent, Customer, Invoice, Order, Return
from register.models import HeldRecord, HoldEvent, HoldKind, StatutoryHold
from requests.erasure import erase_customer, preview_erasure
from requests.models import Request, RequestEvent
from tests.factories import (
    make_consent,
    make_customer,
    make_invoice,
    make_matched_request,
    make_order,
    make_order_line,
    make_payment,
    make_return,
)

pytestmark = pytest.mark.django_db

# Preview: the legal claims, one query for the ids of every model without holds, one per model with
# holds (each row once, with the facts of all its holds), the lookups the holds share (countries,
# bookkeeping periods, statutory holds) and the facts of the orders. Erasure adds the locked customer
# row, one statement per model and history table written, the admin log, the consent ledger, the
# request's reports and emails, and the erasure record.
BOUND = 20
ERASE_BOUND = 40


def log_change(staff, obj) -> None:
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        action_flag=CHANGE,
    )


def customer_with(orders: int, staff) -> Customer:
    """A customer with ``orders`` orders and every kind of row erasure touches, in proportion."""
    customer = make_customer()
    customer.city = "Åbo"
    customer.save()  # a second history row
    log_change(staff, customer)
    now = timezone.now()
    for n in range(orders):
        status = (Order.Status.DELIVERED, Order.Status.PENDING, Order.Status.RETURNED)[n % 3]
        order = make_order(customer=customer, status=status, placed_at=now - timedelta(days=n * 40))
        make_order_line(order=order)
        make_order_line(order=order, sku="SKU-2")
        invoice = make_invoice(order=order, due_on=(now - timedelta(days=n * 40 - 14)).date())
        if n % 5 == 4:
            # Unpaid and in debt collection: a statutory hold keeps it as it is.
            Invoice.objects.filter(pk=invoice.pk).update(collection_started_on=now.date())
        else:
            make_payment(invoice=invoice)
        if status == Order.Status.RETURNED:
            make_return(order=order, status=Return.Status.REFUNDED)
        elif n % 6 == 0:
            make_return(order=order)  # still open
        order.carrier = "DHL"
        order.save()  # a second history row
        log_change(staff, order)
        log_change(staff, invoice)
    make_consent(customer=customer)
    make_consent(customer=customer, purpose="newsletter_email", action="withdrawn")
    make_consent(customer=customer, purpose="newsletter_email")
    request = make_matched_request(customers=[customer], kind=Request.Kind.ERASURE)
    request.log(RequestEvent.Kind.ASSIGNED, detail="asked by phone")
    customer.request = request
    return customer


@pytest.fixture
def statutory_holds():
    # Holds of several kinds and events, so the holds of each (country, kind) are looked up for many orders.
    for kind, event, records, condition in (
        (HoldKind.CONSUMER_COMPLAINT, HoldEvent.DELIVERY, [HeldRecord.ORDERS, HeldRecord.RETURNS], "always"),
        (HoldKind.LIMITATION, HoldEvent.INVOICE_ISSUE, [HeldRecord.INVOICES, HeldRecord.PAYMENTS], "always"),
        (HoldKind.OTHER, HoldEvent.INVOICE_DUE, [HeldRecord.ORDER_LINES], "always"),
        (HoldKind.OTHER, HoldEvent.RETURN, [HeldRecord.RETURNS], "always"),
        (HoldKind.DEBT_COLLECTION, HoldEvent.INVOICE_DUE, [HeldRecord.INVOICES], "unpaid_in_collection"),
    ):
        StatutoryHold.objects.create(
            kind=kind,
            statute="test statute",
            records=records,
            period_amount=None if condition == "unpaid_in_collection" else 3,
            period_unit="years",
            counts_from=event,
            condition=condition,
            keeps_identifiers=condition == "unpaid_in_collection",
        )


def queries_of(function, customer) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        function(customer)
    return [query["sql"] for query in captured.captured_queries]


def erase(customer):
    return erase_customer(customer, request=customer.request, by=None, reason="test")


def test_preview_runs_the_same_bounded_number_of_queries_for_few_and_many_rows(dpo, statutory_holds):
    few, many = customer_with(3, dpo), customer_with(60, dpo)
    plans = {customer: preview_erasure(customer) for customer in (few, many)}
    assert sum(item.count for item in plans[many].items) > 10 * sum(item.count for item in plans[few].items)
    assert {item.hold for item in plans[many].retained} >= {"statutory", "bookkeeping", "pending_order"}
    counts = [len(queries_of(preview_erasure, customer)) for customer in (few, many)]
    assert counts[0] == counts[1] <= BOUND, counts


def test_preview_reads_the_holds_once_and_each_row_with_a_plain_query(dpo, statutory_holds):
    customer = customer_with(30, dpo)
    queries = queries_of(preview_erasure, customer)
    # Every bookkeeping period, every statutory hold: once, whatever the kinds of record and countries.
    assert sum('FROM "register_bookkeepingperiod"' in sql for sql in queries) == 1
    assert sum('FROM "register_statutoryhold"' in sql for sql in queries) == 1
    # No server-side cursor, no list of ids sent back to the database.
    assert not [sql for sql in queries if "CURSOR" in sql.upper()]
    assert not [sql for sql in queries if re.search(r"(\d+\s*,\s*){10,}\d+", sql)]


def test_erasure_runs_the_same_bounded_number_of_queries_for_few_and_many_rows(dpo, statutory_holds):
    few, many = customer_with(3, dpo), customer_with(60, dpo)
    erase(customer_with(3, dpo))  # the process's content-type cache filled
    counts = [len(queries_of(erase, customer)) for customer in (few, many)]
    assert counts[0] == counts[1] <= ERASE_BOUND, counts
    for customer in (few, many):
        customer.refresh_from_db()
        assert customer.erased_at is not None and customer.email == ""
        assert Order.objects.filter(customer=customer, delivery_name="").exists()
        # The history of every order anonymised is scrubbed too; orders kept as they are keep theirs.
        as_they_are = Order.objects.filter(customer=customer).exclude(delivery_name="").values("pk")
        history = Order.history.filter(customer_id=customer.pk).exclude(id__in=as_they_are)
        assert history.exists() and not history.exclude(delivery_name="").exists()
        assert not ConsentEvent.objects.filter(customer=customer, action=ConsentEvent.Action.GRANTED)


def test_erasure_writes_each_kept_order_once_with_its_purge_date(dpo, statutory_holds):
    customer = customer_with(12, dpo)
    queries = queries_of(erase, customer)
    order_updates = [sql for sql in queries if sql.startswith('UPDATE "customers_order"')]
    # The anonymised orders with their purge_after in one statement; the orders kept as they are
    # (unfinished) in another.
    assert len(order_updates) == 2
    anonymised = Order.objects.filter(customer=customer, delivery_name="")
    assert anonymised.exists() and not anonymised.filter(purge_after__isnull=True).exists()
    pending = Order.objects.filter(customer=customer, status=Order.Status.PENDING)
    assert not pending.filter(delivery_name="").exists()
    assert not pending.filter(purge_after__isnull=True).exists()


def test_admin_log_of_erased_rows_is_scrubbed_in_one_statement(dpo):
    customer = customer_with(30, dpo)
    queries = queries_of(erase, customer)
    assert len([sql for sql in queries if sql.startswith('UPDATE "django_admin_log"')]) == 1
    orders = Order.objects.filter(customer=customer)
    scrubbed = [str(pk) for pk in orders.filter(delivery_name="").values_list("pk", flat=True)]
    kept = [str(pk) for pk in orders.exclude(delivery_name="").values_list("pk", flat=True)]
    assert scrubbed and kept  # pending orders are kept as they are, their log entries too
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Order))
    assert set(entries.filter(object_repr="[erased]").values_list("object_id", flat=True)) == set(scrubbed)
    assert set(entries.exclude(object_repr="[erased]").values_list("object_id", flat=True)) == set(kept)
    customer_entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Customer))
    assert customer_entry.object_repr == "[erased]"
