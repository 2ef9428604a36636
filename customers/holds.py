"""Statutory holds (``register.models.StatutoryHold``) on orders and their records (docs/legal.md).

A statutory hold keeps the records of an order it covers (the order, its lines, invoices, payments,
returns) for a period counted from an event of that order (delivery, purchase, the latest invoice's
issue or due date, the latest return), or while a condition lasts (an unpaid invoice in debt
collection). Which holds apply to an order is decided by the country of the controller that sold it,
else the current register's country; holds without a country apply everywhere.

* ``statutory_hold(record)`` is the hold of one kind of record in ``customers/privacy.py``: erasure
  keeps each covered row until the latest end of the holds on its order and names every one.
* ``held_orders(holds, today)`` is the same rule as a condition over ``Order`` for the retention job,
  set-based: one ``EXISTS`` or comparison per hold, no per-row Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    Exists,
    F,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from customers.models import Invoice, Order, OrderLine, Payment, Return
from register.models import (
    Controller,
    HeldRecord,
    HoldCondition,
    HoldEvent,
    HoldKind,
    RecordKind,
    StatutoryHold,
    shop_country,
)
from register.registry import Hold, HoldMatch, HoldName, memoised
from register.retention import first_held_date, start_of_day

# Which BookkeepingPeriod kind each bookkeeping record is (docs/legal.md), for erasure and the retention
# job alike: an order with its lines is the order confirmation, secondary documentation under
# Bokføringsloven § 13; payments and returns (credit notes) are vouchers; invoices have their own period
# (Estonia counts them from issue, VAT Act § 36).
ORDER_RECORD_KIND = RecordKind.SECONDARY
INVOICE_RECORD_KIND = RecordKind.INVOICE
VOUCHER_RECORD_KIND = RecordKind.VOUCHER

# Each kind of record: its model and the lookup from it to its order's id.
RECORDS: dict[str, tuple[type[Model], str]] = {
    HeldRecord.ORDERS: (Order, "pk"),
    HeldRecord.ORDER_LINES: (OrderLine, "order_id"),
    HeldRecord.INVOICES: (Invoice, "order_id"),
    HeldRecord.PAYMENTS: (Payment, "invoice__order_id"),
    HeldRecord.RETURNS: (Return, "order_id"),
}

# Orders delivered even when no delivery time was recorded (e.g. imported): delivery counts from the
# order date, the best date known.
DELIVERED_STATUSES = [Order.Status.DELIVERED, Order.Status.RETURNED]


def holds_in_force() -> list[StatutoryHold]:
    return list(StatutoryHold.objects.in_force().order_by("pk"))


def applies_in(hold: StatutoryHold, country: str) -> bool:
    return hold.country in ("", country)


# --- Erasure: the holds on given orders, row by row ---------------------------------------------


def _latest_day(queryset: QuerySet, value: Any) -> Subquery:
    """The latest ``value`` (a date) among ``queryset``'s rows of the outer order."""
    rows = (
        queryset.filter(order_id=OuterRef("pk")).values("order_id").annotate(last=Max(value)).values("last")
    )
    return Subquery(rows, output_field=DateField())


def _event_reads(needed: set[str]) -> dict[str, Any]:
    """Per order, the date of each event the holds count from, computed by the database in the
    current time zone: an order's dates are read with the order, never as datetimes row by row."""
    reads: dict[str, Any] = {}
    if HoldEvent.PURCHASE in needed:
        reads[HoldEvent.PURCHASE] = TruncDate("placed_at")
    if HoldEvent.DELIVERY in needed:
        delivered = Coalesce(
            "delivered_at",
            Case(When(status__in=DELIVERED_STATUSES, then=F("placed_at"))),
            output_field=DateTimeField(),
        )
        reads[HoldEvent.DELIVERY] = TruncDate(delivered)
    if HoldEvent.INVOICE_ISSUE in needed:
        reads[HoldEvent.INVOICE_ISSUE] = _latest_day(Invoice.objects.all(), TruncDate("issued_at"))
    if HoldEvent.INVOICE_DUE in needed:
        due = Coalesce("due_on", TruncDate("issued_at"), output_field=DateField())
        reads[HoldEvent.INVOICE_DUE] = _latest_day(Invoice.objects.all(), due)
    if HoldEvent.RETURN in needed:
        reads[HoldEvent.RETURN] = _latest_day(Return.objects.all(), TruncDate("returned_at"))
    return reads


def _order_facts(orders: QuerySet, holds: list[StatutoryHold]) -> dict[int, dict[str, Any]]:
    """The facts the holds read of each order (its controller, its events' dates, whether an invoice of
    it is unpaid in debt collection), in one query over the orders ``orders`` names."""
    reads = _event_reads({hold.counts_from for hold in holds})
    if any(hold.condition == HoldCondition.UNPAID_IN_COLLECTION for hold in holds):
        reads["in_collection"] = Exists(
            Invoice.objects.unpaid_in_collection().filter(order_id=OuterRef("pk"))
        )
    aliases = {f"fact_{n}": value for n, value in enumerate(reads.values())}
    rows = (
        Order.objects.filter(pk__in=orders).annotate(**aliases).values_list("pk", "controller_id", *aliases)
    )
    return {
        pk: {"controller_id": controller_id, **dict(zip(reads, facts, strict=True))}
        for pk, controller_id, *facts in rows
    }


def order_matches(
    order_ids: Iterable[int], record: str, today: datetime.date, orders: QuerySet | None = None
) -> dict[int, list[HoldMatch]]:
    """The statutory holds on ``record`` rows of each order still running on ``today``, per order id.

    ``orders`` (a queryset of order ids, e.g. ``queryset.values("order_id")``) names the orders to the
    database as a subquery rather than a list of ids. Inside ``memoised_lookups()`` (erasure and its
    preview) the holds, countries and the facts of the same orders are read once for every kind of
    record, not once per kind.
    """
    in_force = memoised("statutory_holds", holds_in_force)
    holds = [hold for hold in in_force if record in hold.records]
    if not holds:
        return {}
    # Facts of orders already read for another kind of record are reused; only new orders are read.
    facts, seen = memoised("order_facts", lambda: ({}, set()))
    wanted = set(order_ids)
    if wanted - seen:
        facts.update(_order_facts(orders if orders is not None else list(wanted - seen), in_force))
        seen |= wanted
    if not wanted & facts.keys():
        return {}
    countries = memoised("law_countries", Controller.objects.law_countries)
    default = memoised("shop_country", shop_country)
    # The matches of one (country, hold, end) are the same object for every order that has them.
    made: dict[tuple, HoldMatch] = {}
    ends: dict[tuple, datetime.date | None] = {}
    result: dict[int, list[HoldMatch]] = defaultdict(list)
    for pk in sorted(wanted & facts.keys()):
        order = facts[pk]
        country = countries.get(order["controller_id"], default)
        for hold in holds:
            if not applies_in(hold, country):
                continue
            if hold.condition == HoldCondition.UNPAID_IN_COLLECTION and not order.get("in_collection"):
                continue
            until = None
            if hold.period_amount is not None:
                event = order.get(hold.counts_from)
                if (hold.pk, event) not in ends:
                    ends[(hold.pk, event)] = hold.end_for(event)
                until = ends[(hold.pk, event)]
                # No such event (an order never delivered) or the period is over: the hold keeps nothing.
                if until is None or until < today:
                    continue
            key = (hold.pk, until)
            if key not in made:
                made[key] = HoldMatch(
                    HoldName.STATUTORY,
                    until,
                    statute=hold.statute,
                    kind=hold.kind,
                    keeps_identifiers=hold.keeps_identifiers,
                    reason=HoldKind(hold.kind).reason(),
                )
            result[pk].append(made[key])
    return result


def statutory_hold(record: str) -> Hold:
    """The statutory holds on one kind of record (``HeldRecord``), for its privacy declaration."""
    _model, order_path = RECORDS[record]

    def reads(model: type[Model]) -> dict[str, Any]:
        return {"order": F(order_path)}

    def decide(queryset: QuerySet, rows: list[tuple[int, dict]]) -> Iterator[tuple[int, HoldMatch]]:
        from django.utils import timezone

        if not rows:
            return
        order_ids = {values["order"] for _pk, values in rows}
        matches = order_matches(order_ids, record, timezone.localdate(), queryset.values(order_path))
        for pk, values in rows:
            for match in matches.get(values["order"], ()):
                yield pk, match

    return Hold(name=HoldName.STATUTORY, reason=HoldName.STATUTORY.label, reads=reads, decide=decide)


# --- Retention: orders under a hold, as one condition over Order --------------------------------


def _covers(hold: StatutoryHold) -> Q:
    """Orders that have a record of a kind the hold keeps."""
    if HeldRecord.ORDERS in hold.records:
        return Q()
    order = OuterRef("pk")
    children = {
        HeldRecord.ORDER_LINES: OrderLine.objects.filter(order_id=order),
        HeldRecord.INVOICES: Invoice.objects.filter(order_id=order),
        HeldRecord.PAYMENTS: Payment.objects.filter(invoice__order_id=order),
        HeldRecord.RETURNS: Return.objects.filter(order_id=order),
    }
    covered = Q(pk__in=[])
    for record in hold.records:
        if record in children:
            covered |= Q(Exists(children[record]))
    return covered


def _event_since(event: str, day: datetime.date) -> Q:
    """Orders whose ``event`` happened on ``day`` or later."""
    since = start_of_day(day)
    order = OuterRef("pk")
    if event == HoldEvent.PURCHASE:
        return Q(placed_at__gte=since)
    if event == HoldEvent.DELIVERY:
        return Q(delivered_at__gte=since) | Q(
            delivered_at__isnull=True, status__in=DELIVERED_STATUSES, placed_at__gte=since
        )
    if event == HoldEvent.INVOICE_ISSUE:
        return Q(Exists(Invoice.objects.filter(order_id=order, issued_at__gte=since)))
    if event == HoldEvent.INVOICE_DUE:
        due = Q(due_on__gte=day) | Q(due_on__isnull=True, issued_at__gte=since)
        return Q(Exists(Invoice.objects.filter(due, order_id=order)))
    if event == HoldEvent.RETURN:
        return Q(Exists(Return.objects.filter(order_id=order, returned_at__gte=since)))
    raise ValueError(f"unknown event {event!r}")


def held_orders(holds: Iterable[StatutoryHold], today: datetime.date) -> Q:
    """Orders one of ``holds`` still keeps on ``today`` (a condition over ``Order``; empty: none)."""
    held = Q(pk__in=[])
    for hold in holds:
        condition = _covers(hold)
        if hold.condition == HoldCondition.UNPAID_IN_COLLECTION:
            unpaid = Invoice.objects.unpaid_in_collection().filter(order_id=OuterRef("pk"))
            condition &= Q(Exists(unpaid))
        if hold.period_amount is not None:
            condition &= _event_since(hold.counts_from, first_held_date(hold.end_for, today))
        held |= condition
    return held
