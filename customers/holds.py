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

from django.db.models import Exists, Max, Model, OuterRef, Q, QuerySet

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
from register.registry import Hold, HoldMatch, HoldName, _as_date, memoised
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


def _event_dates(orders: dict[int, dict], holds: list[StatutoryHold]) -> dict[str, dict[int, datetime.date]]:
    """``{event: {order id: date}}`` for the events the holds count from, one query per event."""
    needed = {hold.counts_from for hold in holds}
    ids = list(orders)
    dates: dict[str, dict[int, datetime.date]] = defaultdict(dict)
    for pk, order in orders.items():
        if HoldEvent.PURCHASE in needed:
            dates[HoldEvent.PURCHASE][pk] = _as_date(order["placed_at"])
        if HoldEvent.DELIVERY in needed:
            delivered = order["delivered_at"]
            if delivered is None and order["status"] in DELIVERED_STATUSES:
                delivered = order["placed_at"]
            if delivered is not None:
                dates[HoldEvent.DELIVERY][pk] = _as_date(delivered)
    if HoldEvent.INVOICE_ISSUE in needed:
        rows = Invoice.objects.filter(order_id__in=ids).values("order_id").annotate(last=Max("issued_at"))
        dates[HoldEvent.INVOICE_ISSUE] = {row["order_id"]: _as_date(row["last"]) for row in rows}
    if HoldEvent.INVOICE_DUE in needed:
        for order_id, due, issued in Invoice.objects.filter(order_id__in=ids).values_list(
            "order_id", "due_on", "issued_at"
        ):
            day = due or _as_date(issued)
            if day > dates[HoldEvent.INVOICE_DUE].get(order_id, datetime.date.min):
                dates[HoldEvent.INVOICE_DUE][order_id] = day
    if HoldEvent.RETURN in needed:
        rows = Return.objects.filter(order_id__in=ids).values("order_id").annotate(last=Max("returned_at"))
        dates[HoldEvent.RETURN] = {row["order_id"]: _as_date(row["last"]) for row in rows}
    return dates


def _order_facts(order_ids: frozenset[int], holds: list[StatutoryHold]) -> tuple[dict, dict, set[int]]:
    """The orders' rows, the dates their holds count from and those with an invoice in collection."""
    orders = {
        row["pk"]: row
        for row in Order.objects.filter(pk__in=list(order_ids)).values(
            "pk", "controller_id", "placed_at", "delivered_at", "status"
        )
    }
    if not orders:
        return {}, {}, set()
    dates = _event_dates(orders, holds)
    in_collection: set[int] = set()
    if any(hold.condition == HoldCondition.UNPAID_IN_COLLECTION for hold in holds):
        in_collection = set(
            Invoice.objects.unpaid_in_collection()
            .filter(order_id__in=list(orders))
            .values_list("order_id", flat=True)
        )
    return orders, dates, in_collection


def order_matches(order_ids: Iterable[int], record: str, today: datetime.date) -> dict[int, list[HoldMatch]]:
    """The statutory holds on ``record`` rows of each order still running on ``today``, per order id.

    Inside ``memoised_lookups()`` (erasure and its preview) the holds, countries and the facts of
    the same orders are read once for every kind of record, not once per kind.
    """
    in_force = memoised("statutory_holds", holds_in_force)
    holds = [hold for hold in in_force if record in hold.records]
    if not holds:
        return {}
    # Facts of orders already read for another kind of record are reused; only new orders are read.
    known = memoised("order_facts", lambda: ({}, defaultdict(dict), set(), set()))
    orders, dates, in_collection, seen = known
    wanted = set(order_ids)
    missing = wanted - seen
    if missing:
        new_orders, new_dates, new_collection = _order_facts(frozenset(missing), in_force)
        orders.update(new_orders)
        for event, values in new_dates.items():
            dates[event].update(values)
        in_collection |= new_collection
        seen |= missing
    if not wanted & orders.keys():
        return {}
    countries = memoised("law_countries", Controller.objects.law_countries)
    default = memoised("shop_country", shop_country)
    # The matches of one (country, hold, end) are the same object for every order that has them.
    made: dict[tuple, HoldMatch] = {}
    ends: dict[tuple, datetime.date | None] = {}
    result: dict[int, list[HoldMatch]] = defaultdict(list)
    for pk in sorted(wanted & orders.keys()):
        country = countries.get(orders[pk]["controller_id"], default)
        for hold in holds:
            if not applies_in(hold, country):
                continue
            if hold.condition == HoldCondition.UNPAID_IN_COLLECTION and pk not in in_collection:
                continue
            until = None
            if hold.period_amount is not None:
                event = dates[hold.counts_from].get(pk)
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
    model, order_path = RECORDS[record]

    def find(queryset: QuerySet) -> Iterator[tuple[int, HoldMatch]]:
        from django.utils import timezone

        rows = list(queryset.order_by("pk").values_list("pk", order_path))
        if not rows:
            return
        matches = order_matches({order_id for _pk, order_id in rows}, record, timezone.localdate())
        for pk, order_id in rows:
            for match in matches.get(order_id, ()):
                yield pk, match

    return Hold(name=HoldName.STATUTORY, reason=HoldName.STATUTORY.label, find=find)


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
