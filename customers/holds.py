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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
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
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from customers.models import Invoice, Order, OrderLine, Payment, Return
from customers.models.orders import unpaid_in_collection_flag
from register.models import (
    Controller,
    HeldRecord,
    HoldCondition,
    HoldEvent,
    HoldKind,
    RecordKind,
    StatutoryHold,
)
from register.registry import DayOf, Hold, HoldMatch, HoldName, in_ids, law_country, memoised
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


def _events_counted(holds: list[StatutoryHold]) -> set[str]:
    """The events the holds' periods count from; a hold without a period (one that lasts while a
    condition does) reads no event."""
    return {hold.counts_from for hold in holds if hold.period_amount is not None}


def _order_facts(
    orders: QuerySet | list[int], holds: list[StatutoryHold]
) -> tuple[list[str], dict[int, list[Any]]]:
    """What the holds read of each order ``orders`` names: its controller, the date of each event the
    holds count from (in the current time zone, computed by the database) and whether an invoice of it
    is unpaid in debt collection, as ``(names, {order id: values in the order of names})``; a value no
    record gave (an order without invoices) is None.

    One plain query over the orders and one grouped query per kind of record read from (invoices,
    returns); a correlated subquery per order would be costed as high as a walk of the whole table.
    """
    needed = _events_counted(holds)
    reads: dict[str, Any] = {}
    if HoldEvent.PURCHASE in needed:
        reads[HoldEvent.PURCHASE] = DayOf("placed_at")
    if HoldEvent.DELIVERY in needed:
        delivered = Coalesce(
            "delivered_at",
            Case(When(status__in=DELIVERED_STATUSES, then=F("placed_at"))),
            output_field=DateTimeField(),
        )
        reads[HoldEvent.DELIVERY] = DayOf(delivered)
    invoice_reads: dict[str, Any] = {}
    if HoldEvent.INVOICE_ISSUE in needed:
        invoice_reads[HoldEvent.INVOICE_ISSUE] = Max(TruncDate("issued_at"))
    if HoldEvent.INVOICE_DUE in needed:
        invoice_reads[HoldEvent.INVOICE_DUE] = Max(
            Coalesce("due_on", TruncDate("issued_at"), output_field=DateField())
        )
    if any(hold.condition == HoldCondition.UNPAID_IN_COLLECTION for hold in holds):
        invoice_reads["in_collection"] = Max(unpaid_in_collection_flag())
    return_reads = {HoldEvent.RETURN: Max(TruncDate("returned_at"))} if HoldEvent.RETURN in needed else {}
    names = ["controller_id", *reads, *invoice_reads, *return_reads]
    of_orders = in_ids if isinstance(orders, QuerySet) else lambda column, ids: Q(**{f"{column}__in": ids})
    # Orders named by a query of orders (the erasure's, or a page of the report's) are read by that
    # query's own condition (the customer's orders index), not looked up id by id in the primary key.
    own = (
        isinstance(orders, QuerySet)
        and orders.model is Order
        and orders.query.values_select in (("pk",), ("id",))
    )
    rows = list(_read(orders if own else Order.objects.filter(of_orders("pk", orders)), "pk", reads))
    if not rows:
        return names, {}
    # Each order's values as a list, the invoices' and returns' still None: the work per order is done
    # by zip and map, not a Python loop.
    columns = list(zip(*rows, strict=True))
    unread = [repeat(None, len(rows)) for _ in range(len(names) + 1 - len(columns))]
    facts = dict(zip(columns[0], map(list, zip(*columns[1:], *unread, strict=True)), strict=True))
    first = len(columns) - 1
    for model, grouped in ((Invoice, invoice_reads), (Return, return_reads)):
        if grouped:
            last = first + len(grouped)
            of_model = model.objects.filter(of_orders("order_id", orders)).values("order_id")
            for order_id, *values in _read(of_model, "order_id", grouped):
                fact = facts.get(order_id)
                if fact is not None:
                    fact[first:last] = values
            first = last
    return names, facts


def _read(queryset: QuerySet, key: str, reads: dict[str, Any]) -> QuerySet:
    """``(key, controller or nothing, *reads)`` rows of ``queryset``, unordered (aliases by position:
    the names are event names)."""
    aliases = {f"fact_{n}": value for n, value in enumerate(reads.values())}
    columns = [key, "controller_id"] if queryset.model is Order else [key]
    return queryset.order_by().annotate(**aliases).values_list(*columns, *aliases)


# Orders whose holds ``order_matches`` keeps worked out within one ``memoised_lookups()`` block (about
# 75 bytes an order, 15 MB at most); past this many, the next orders read start a new set, so memory
# stays bounded whatever the customer's orders. The matches themselves are shared, one per hold and
# end, however many orders have them.
KEPT_ORDERS = 200_000


@dataclass
class _Worked:
    """What ``_matches_of_orders`` has worked out, kept across its calls of one run: each order's holds
    (``()``: none), and what orders with the same facts share."""

    on_order: dict[int, tuple[tuple[int, HoldMatch], ...]] = field(default_factory=dict)
    # Each (hold, end) once, as a HoldMatch; each hold's end per event date; each hold kind's reason.
    made: dict[tuple, HoldMatch] = field(default_factory=dict)
    ends: dict[tuple, datetime.date | None] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    # Orders with the same facts (sold by the same controller, delivered the same day) are worked out
    # once, and share one tuple of matches.
    by_facts: dict[tuple, tuple[tuple[int, HoldMatch], ...]] = field(default_factory=dict)
    shared: dict[tuple, tuple[tuple[int, HoldMatch], ...]] = field(default_factory=dict)


def _matches_of_orders(
    names: list[str],
    facts: dict[int, list[Any]],
    holds: list[StatutoryHold],
    today: datetime.date,
    worked: _Worked,
) -> dict[int, tuple[tuple[int, HoldMatch], ...]]:
    """``{order id: ((hold id, match), ...)}``: every hold in ``holds`` still running on ``today`` on
    each order, whatever the kind of record (``()``: none); the matches of one (hold, end) are the same
    object for every order, and for every call given the same ``worked``."""
    countries = memoised("law_countries", Controller.objects.law_countries_with_shop)
    made, ends, reasons = worked.made, worked.ends, worked.reasons
    by_facts, shared = worked.by_facts, worked.shared
    position = {name: index for index, name in enumerate(names)}
    in_collection = position.get("in_collection")
    result: dict[int, tuple[tuple[int, HoldMatch], ...]] = {}
    for pk, order in facts.items():
        same = tuple(order)
        matches = by_facts.get(same)
        if matches is not None:
            result[pk] = matches
            continue
        country = law_country(countries, same[0])
        found = []
        for hold in holds:
            if not applies_in(hold, country):
                continue
            if hold.condition == HoldCondition.UNPAID_IN_COLLECTION and not (
                in_collection is not None and same[in_collection]
            ):
                continue
            until = None
            if hold.period_amount is not None:
                event = same[position[hold.counts_from]]
                if (hold.pk, event) not in ends:
                    ends[(hold.pk, event)] = hold.end_for(event)
                until = ends[(hold.pk, event)]
                # No such event (an order never delivered) or the period is over: the hold keeps nothing.
                if until is None or until < today:
                    continue
            key = (hold.pk, until)
            if key not in made:
                if hold.kind not in reasons:
                    reasons[hold.kind] = HoldKind(hold.kind).reason()
                made[key] = HoldMatch(
                    HoldName.STATUTORY,
                    until,
                    statute=hold.statute,
                    kind=hold.kind,
                    keeps_identifiers=hold.keeps_identifiers,
                    reason=reasons[hold.kind],
                )
            found.append(key)
        signature = tuple(found)
        if signature not in shared:
            shared[signature] = tuple((hold_pk, made[(hold_pk, until)]) for hold_pk, until in signature)
        matches = result[pk] = by_facts[same] = shared[signature]
    return result


def order_matches(
    order_ids: Iterable[int], record: str, today: datetime.date, orders: QuerySet | None = None
) -> dict[int, tuple[HoldMatch, ...]]:
    """The statutory holds on ``record`` rows of each order still running on ``today``, per order id.

    ``orders`` (a queryset of order ids, e.g. ``queryset.values("order_id")``) names the orders to the
    database as a subquery rather than a list of ids. Inside ``memoised_lookups()`` (erasure, its
    preview and the access report) the holds, countries and the facts of the same orders are read, and
    the holds on each order worked out, once for every kind of record, not once per kind (up to
    ``KEPT_ORDERS`` orders at a time).
    """
    in_force = memoised("statutory_holds", holds_in_force)
    kept = {hold.pk for hold in in_force if record in hold.records}
    if not kept:
        return {}
    # Orders already worked out for another kind of record are reused; only new orders are read.
    worked = memoised("order_holds", _Worked)
    on_order = worked.on_order
    wanted = set(order_ids)
    missing = wanted - on_order.keys()
    if missing:
        if len(on_order) + len(missing) > KEPT_ORDERS:
            on_order.clear()
        names, facts = _order_facts(orders if orders is not None else sorted(missing), in_force)
        on_order.update(_matches_of_orders(names, facts, in_force, today, worked))
        # An order the database no longer has: no holds, and not read again.
        on_order.update(dict.fromkeys(missing - facts.keys(), ()))
    result: dict[int, tuple[HoldMatch, ...]] = {}
    kept_of: dict[int, tuple[HoldMatch, ...]] = {}
    for pk in wanted:
        held = on_order.get(pk)
        if not held:
            continue
        if id(held) not in kept_of:
            kept_of[id(held)] = tuple(match for hold_pk, match in held if hold_pk in kept)
        if kept_of[id(held)]:
            result[pk] = kept_of[id(held)]
    return result


def statutory_hold(record: str) -> Hold:
    """The statutory holds on one kind of record (``HeldRecord``), for its privacy declaration."""
    _model, order_path = RECORDS[record]

    def reads(model: type[Model]) -> dict[str, Any]:
        return {"order": F(order_path)}

    def decide(queryset: QuerySet, rows: list[tuple]) -> Iterator[tuple[int, HoldMatch]]:
        from django.utils import timezone

        if not rows:
            return
        order_ids = {order for _pk, order in rows}
        matches = order_matches(order_ids, record, timezone.localdate(), queryset.values(order_path))
        for pk, order in rows:
            for match in matches.get(order, ()):
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
