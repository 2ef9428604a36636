"""Retention rules for the customers app's data: inactive customers, orders with their bookkeeping
records, and the consent ledger of erased customers (the engine is ``register.retention``).

Some reasons to keep a customer's data are known only to the apps built on this one (an open
request, an active legal claim), and customers are anonymised through the erasure workflow an
erasure request uses. Those apps add them to ``hooks`` (``requests/retention.py``), so the rules
here never import them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from customers.holds import (
    INVOICE_RECORD_KIND,
    ORDER_RECORD_KIND,
    VOUCHER_RECORD_KIND,
    applies_in,
    held_orders,
    holds_in_force,
)
from customers.models import (
    ANONYMOUS_NUMBER_PREFIX,
    ConsentEvent,
    Customer,
    ErasureMode,
    Invoice,
    Order,
    Payment,
    Return,
    anonymous_number,
)
from register.models import Controller, CountsFrom, RetentionKey, shop_country
from register.retention import Purger, Rule, Step, bookkeeping_threshold, register_rule, rows_among


@dataclass
class Hooks:
    """What the apps built on this one add to its retention rules.

    ``customer_holds``: conditions ``(today) -> Q`` over ``Customer`` under which a customer is not
    anonymised, however long inactive. ``order_holds``: conditions ``(today) -> Q`` over ``Order``
    under which an order and its bookkeeping records stay past their period. ``erase_customer``:
    the erasure workflow, called as ``erase_customer(customer, reason=...)``.
    """

    customer_holds: list[Callable[[date], Q]] = field(default_factory=list)
    order_holds: list[Callable[[date], Q]] = field(default_factory=list)
    erase_customer: Callable[..., object] | None = None


hooks = Hooks()
logger = logging.getLogger(__name__)


def customer_held(today: date) -> Q:
    """Customers whose data must stay: restricted (GDPR Art. 18), an unfinished order, or a hold another
    app adds (an open request, an active legal claim, Art. 17(3)(e))."""
    unfinished = Order.objects.filter(customer_id=OuterRef("pk"), status__in=Order.UNFINISHED_STATUSES)
    held = Q(restricted_at__isnull=False) | Q(Exists(unfinished))
    for hold in hooks.customer_holds:
        held |= hold(today)
    return held


@register_rule
class CustomerInactive(Rule):
    """Customers with no order or activity for the period, and nothing holding them: anonymise."""

    key = RetentionKey.CUSTOMER_INACTIVE
    verb = "anonymised"
    events = (CountsFrom.LAST_ACTIVITY, CountsFrom.END_OF_RELATIONSHIP)
    # Deleted old orders (also unfinished ones) and unverified requests no longer hold a customer; and
    # erasure minimises the customer's requests and report files, which those rules count first.
    runs_after = (
        RetentionKey.ORDER_BOOKKEEPING,
        RetentionKey.UNVERIFIED_REQUEST,
        RetentionKey.COMPLETED_REQUEST,
        RetentionKey.ACCESS_REPORT,
    )
    # Each customer is erased by the erasure workflow, many statements and writes apiece: a batch of
    # them stays a short transaction.
    batch_limit = 1000

    def steps(self) -> list[Step]:
        if self.config.counts_from == CountsFrom.END_OF_RELATIONSHIP:
            anchor = F("relationship_ended_at")
        else:
            anchor = Coalesce("last_activity_at", "created_at")
        recent_order = Order.objects.filter(customer_id=OuterRef("pk"), placed_at__gte=self.cutoff)
        candidates = (
            Customer.objects.alias(retention_anchor=anchor)
            .filter(erased_at__isnull=True, retention_anchor__lt=self.cutoff)
            .exclude(Exists(recent_order))
            .exclude(customer_held(self.today))
        )
        return [Step(candidates, anchor, self.anonymise)]

    def anonymise(self, pks: list, purger: Purger) -> None:
        """Erase each customer through the erasure workflow, each in its own savepoint.

        A customer whose erasure fails is left as they were and recorded on the run's report; the
        others go on. A dry run only counts: erasure logs and queues, which a rollback cannot undo.
        """
        if purger.dry_run:
            purger.counts[Customer._meta.label] += len(pks)
            return
        reason = (
            f"Retention rule {self.key}: no order or activity for {self.config.period_amount} "
            f"{self.config.period_unit} (GDPR Art. 5(1)(e))"
        )
        for customer in Customer.objects.filter(pk__in=pks).order_by("pk"):
            try:
                with transaction.atomic():
                    hooks.erase_customer(customer, reason=reason)
            except Exception:  # noqa: BLE001 (one customer must not stop the others)
                logger.exception("Retention rule %s could not erase customer %s", self.key, customer.pk)
                purger.failed.append(customer.pk)
                continue
            purger.counts[Customer._meta.label] += 1


@register_rule
class OrderBookkeeping(Rule):
    """Orders with their lines, invoices, payments and returns once every record's period is over.

    The periods are those of the country whose law keeps the order: its seller's (``Order.controller``),
    else the current register's. Orders still under a statutory hold of that country (a consumer
    complaint period, an unpaid invoice in debt collection; ``customers.holds``) stay. Set-based: the
    selection is one query whose condition is an ``OR`` of one condition per country.
    """

    key = RetentionKey.ORDER_BOOKKEEPING
    events = (CountsFrom.CREATION, CountsFrom.END_OF_CALENDAR_YEAR, CountsFrom.END_OF_FINANCIAL_YEAR)

    def steps(self) -> list[Step]:
        candidates = (
            Order.objects.filter(self.expired())
            .filter(Q(purge_after__isnull=True) | Q(purge_after__lt=self.today))
            # An anti-join on the restricted customers, not a join on the customer: a join needs every
            # customer (nearly all are unrestricted), and PostgreSQL hashed the whole customer table for
            # every batch, so each batch cost grew with the register. The restricted_at index finds the
            # few restricted customers instead.
            .exclude(Exists(Customer.objects.filter(pk=OuterRef("customer_id"), restricted_at__isnull=False)))
        )
        for hold in hooks.order_holds:
            candidates = candidates.exclude(hold(self.today))
        return [Step(candidates, "placed_at", self.delete)]

    def expired(self) -> Q:
        """Orders whose country's bookkeeping periods and statutory holds are all over, per country."""
        default = shop_country()
        sellers: dict[str, list[int]] = defaultdict(list)
        for controller_id, country in Controller.objects.law_countries().items():
            sellers[country].append(controller_id)
        statutory = holds_in_force()
        expired = Q(pk__in=[])
        for country in sorted({default, *sellers}):
            sold_there = Q(controller_id__in=sellers[country])
            if country == default:
                sold_there |= Q(controller_id__isnull=True)
            expired |= sold_there & self.expired_in(country, [h for h in statutory if applies_in(h, country)])
        return expired

    def expired_in(self, country: str, holds: list) -> Q:
        order_before = bookkeeping_threshold(self.config, ORDER_RECORD_KIND, self.today, country)
        invoice_before = bookkeeping_threshold(self.config, INVOICE_RECORD_KIND, self.today, country)
        voucher_before = bookkeeping_threshold(self.config, VOUCHER_RECORD_KIND, self.today, country)
        order = OuterRef("pk")
        return (
            Q(placed_at__lt=order_before)
            & ~Q(Exists(Invoice.objects.filter(order_id=order, issued_at__gte=invoice_before)))
            & ~Q(Exists(Payment.objects.filter(invoice__order_id=order, paid_at__gte=voucher_before)))
            & ~Q(Exists(Return.objects.filter(order_id=order, returned_at__gte=voucher_before)))
            & ~held_orders(holds, self.today)
        )

    @staticmethod
    def delete(pks: list, purger: Purger) -> None:
        """Delete the orders with their records, set-based: one statement per table.

        The records are selected by their orders' keys inside each ``DELETE``; no key but the
        orders' own is read into Python.
        """
        for keys in purger.portions(Order, pks):
            # Erased customers whose orders go may be finished with; other customers never need a look.
            erased = list(
                rows_among(Order, "pk", keys)
                .filter(customer__erased_at__isnull=False)
                .order_by()
                .values_list("customer_id", flat=True)
                .distinct()
            )
            invoices = rows_among(Invoice, "order", keys).values_list("pk", flat=True)
            # Bookkeeping records protect their order; delete them first, children before parents.
            purger.delete(
                Payment, Payment._base_manager.filter(invoice__in=invoices).values_list("pk", flat=True)
            )
            purger.delete(Invoice, invoices)
            purger.delete(Return, rows_among(Return, "order", keys).values_list("pk", flat=True))
            purger.delete(Order, keys)
            finish_erasures(sorted(erased), purger)


def finish_erasures(customer_pks: list, purger: Purger) -> None:
    """Finish the erasure of erased customers whose last kept order just went.

    A customer who chose deletion is deleted (with their history and what refers to them); an
    anonymised customer keeps the row, without the shop's customer number. Customers who still have
    orders wait for them; customers erased before the choice existed (no ``erasure_mode``) stay.
    """
    if not customer_pks:
        return
    done = Customer.objects.filter(pk__in=customer_pks, erased_at__isnull=False).exclude(
        Exists(Order.objects.filter(customer_id=OuterRef("pk")))
    )
    purger.delete(Customer, list(done.filter(erasure_mode=ErasureMode.DELETE).values_list("pk", flat=True)))
    unlink = list(
        done.filter(erasure_mode=ErasureMode.ANONYMISE)
        .exclude(customer_number__startswith=ANONYMOUS_NUMBER_PREFIX)
        .values_list("pk", flat=True)
    )
    if unlink:
        purger.update(Customer.objects.filter(pk__in=unlink), customer_number=anonymous_number())
        Customer.history.model.objects.filter(id__in=unlink).update(customer_number=anonymous_number())


@register_rule
class ErasedConsents(Rule):
    """Consent-ledger events of customers erased longer than the period ago, except the proof."""

    key = RetentionKey.ERASED_CONSENTS
    # Counted from the customer's erasure, the moment the kept ledger rows were last written.
    events = (CountsFrom.CREATION,)
    runs_after = (RetentionKey.CUSTOMER_INACTIVE,)

    def steps(self) -> list[Step]:
        candidates = ConsentEvent.objects.filter(customer__erased_at__lt=self.cutoff).exclude(erasure_proof())
        return [Step(candidates, "occurred_at", lambda pks, purger: purger.delete(ConsentEvent, pks))]


def erasure_proof() -> Q:
    """Ledger events that prove consent ended: per customer and purpose, the last event if a withdrawal.

    Erasure reduces the ledger to one withdrawal per purpose ever granted (``requests.erasure``);
    those rows are the evidence that marketing stopped (GDPR Art. 7(1), 17) and stay.
    """
    later = ConsentEvent.objects.filter(
        customer_id=OuterRef("customer_id"), purpose_id=OuterRef("purpose_id")
    ).filter(
        Q(occurred_at__gt=OuterRef("occurred_at"))
        | Q(occurred_at=OuterRef("occurred_at"), pk__gt=OuterRef("pk"))
    )
    return Q(action=ConsentEvent.Action.WITHDRAWN) & ~Q(Exists(later))
