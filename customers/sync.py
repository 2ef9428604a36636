"""Customers, orders and consents sent by the web shop (its API calls and webhooks), written once.

``Sync(actor)`` upserts: a customer by the shop's own id (``external_id``), else by email; an order by
its number, with its lines, invoice and payments. Every call runs in the caller's transaction (the API
and the webhooks wrap a whole request or delivery in one), locks the row it changes, and saves only when
something changed: an upsert that changes nothing writes no history row. Each history row it writes
names the caller in ``history_change_reason`` (``actor``: "api key kr_…" or "webhook …"), since
django-simple-history's ``history_user`` can only be a staff user.

Bad input raises ``ValidationError`` with a message per field; the caller rolls back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.contacts import normalize_email, normalize_phone
from customers.models import (
    ConsentEvent,
    ConsentPurpose,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Payment,
    _notice_version_at,
)
from register.models import Controller, NoticeVersion, Register

CUSTOMER_FIELDS = [
    "first_name",
    "last_name",
    "company",
    "business_id",
    "email",
    "phone",
    "street_address",
    "postal_code",
    "city",
    "country",
    "language",
    "username",
]
ORDER_FIELDS = [
    "status",
    "total",
    "currency",
    "placed_at",
    "delivered_at",
    "delivery_name",
    "delivery_street",
    "delivery_postal_code",
    "delivery_city",
    "delivery_country",
    "delivery_phone",
    "carrier",
]
INVOICE_FIELDS = [
    "issued_at",
    "amount",
    "vat_amount",
    "currency",
    "billing_name",
    "billing_address",
    "due_on",
]
LINE_FIELDS = ["sku", "product_name", "quantity", "unit_price", "vat_rate"]


@dataclass
class Upserted:
    obj: models.Model
    created: bool
    changed: bool

    @property
    def summary(self) -> str:
        """The row's number and what happened to it (no personal data: it goes in delivery logs)."""
        what = "created" if self.created else "changed" if self.changed else "unchanged"
        return f"{getattr(self.obj, 'customer_number', None) or self.obj.number} {what}"


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    """The same errors with each field name under ``prefix`` (``invoice.amount``)."""
    if hasattr(exc, "error_dict"):
        return ValidationError({f"{prefix}.{name}": msgs for name, msgs in exc.message_dict.items()})
    return ValidationError({prefix: exc.messages})


def _save(obj: models.Model, actor: str, fields: Iterable[str] | None = None) -> None:
    obj._change_reason = actor
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=list(fields))


class Sync:
    """Upserts on behalf of one caller (``actor``), with the register's controllers looked up once."""

    def __init__(self, actor: str) -> None:
        self.actor = actor
        self._controllers: list[Controller] | None = None

    # --- customers ---

    def find_customer(self, *, external_id: str = "", email: str = "", field: str = "customer") -> Customer:
        """The customer with this shop id, else with this email; ValidationError when none or several."""
        customer = self._match_customer(external_id, email, field)
        if customer is None:
            raise _error(field, _("No customer has this shop customer ID or email."))
        return customer

    def _match_customer(self, external_id: str, email: str, field: str) -> Customer | None:
        if external_id:
            found = Customer.objects.select_for_update().filter(external_id=external_id).first()
            if found is not None:
                return found
        if email:
            matches = list(
                Customer.objects.select_for_update()
                .matching_email(email)
                .filter(erased_at__isnull=True)
                .order_by("id")[:2]
            )
            if external_id:
                # Link a customer known only by email to the shop's id; never take one linked to another id.
                matches = [c for c in matches if not c.external_id]
            if len(matches) > 1:
                raise _error(field, _("Several customers have this email; send the shop customer ID."))
            if matches:
                return matches[0]
        return None

    def customer(self, data: Mapping[str, Any]) -> Upserted:
        """Create or update the customer ``data`` describes (``external_id`` and/or ``email`` required)."""
        external_id = str(data.get("external_id") or "").strip()
        email = str(data.get("email") or "").strip()
        if not external_id and not email:
            raise _error("external_id", _("Send the shop customer ID or an email."))
        customer = self._match_customer(external_id, email, "email")
        created = customer is None
        if created:
            number = data.get("customer_number") or f"API-{uuid.uuid4().hex[:12].upper()}"
            if Customer.objects.filter(customer_number=number).exists():
                raise _error("customer_number", _("Another customer has this customer number."))
            customer = Customer(customer_number=number)
        before = {name: getattr(customer, name) for name in [*CUSTOMER_FIELDS, "external_id"]}
        if external_id:
            customer.external_id = external_id
        for name in CUSTOMER_FIELDS:
            if name in data and data[name] is not None:
                setattr(customer, name, data[name])
        customer.country = (customer.country or "").strip().upper()
        customer.refresh_derived_fields()
        customer.full_clean(validate_unique=False)
        after = {name: getattr(customer, name) for name in before}
        changed = created or after != before
        if created:
            _save(customer, self.actor)
        elif changed:
            _save(customer, self.actor, [name for name in before if before[name] != after[name]])
        return Upserted(customer, created, changed)

    # --- orders ---

    def controllers(self) -> list[Controller]:
        """The current register's controllers, the main one first."""
        if self._controllers is None:
            register = Register.objects.current()
            self._controllers = list(register.controllers.order_by("position", "id")) if register else []
        return self._controllers

    def find_controller(self, value: str) -> Controller:
        """The current register's controller with this business id or name (case and spaces ignored)."""
        wanted = " ".join(value.split()).casefold()
        for controller in self.controllers():
            names = {
                " ".join(controller.business_id.split()).casefold(),
                " ".join(controller.name.split()).casefold(),
            }
            if wanted in names - {""}:
                return controller
        raise _error("controller", _("No controller of the register has this business ID or name."))

    def order(self, data: Mapping[str, Any], customer: Customer | None = None) -> Upserted:
        """Create or update the order ``data`` describes, with its lines, invoice and payments.

        The customer is ``customer``, else the one named by ``data["customer"]`` (``external_id`` or
        ``email``). Lines, when sent, replace the order's lines; the invoice is matched by its number, a
        payment by its reference (else by time and amount) and only added, never removed.
        """
        number = str(data.get("number") or "").strip()
        if not number:
            raise _error("number", _("This field is required."))
        if customer is None:
            ref = data.get("customer") or {}
            customer = self.find_customer(
                external_id=str(ref.get("external_id") or ""),
                email=str(ref.get("email") or ""),
                field="customer",
            )
        order = Order.objects.select_for_update().filter(number=number).first()
        created = order is None
        if created:
            order = Order(number=number)
        fields = [*ORDER_FIELDS, "customer_id", "controller_id"]
        before = {name: getattr(order, name) for name in fields}
        order.customer = customer
        for name in ORDER_FIELDS:
            if name in data and data[name] is not None:
                setattr(order, name, data[name])
        order.currency = (order.currency or "EUR").upper()
        order.delivery_country = (order.delivery_country or "").upper()
        if data.get("controller"):
            order.controller = self.find_controller(str(data["controller"]))
        elif created and self.controllers():
            order.controller = self.controllers()[0]
        order.full_clean(validate_unique=False)
        after = {name: getattr(order, name) for name in fields}
        changed = created or after != before
        if created:
            _save(order, self.actor)
        elif changed:
            _save(order, self.actor, [n.removesuffix("_id") for n in fields if before[n] != after[n]])
        if data.get("lines") is not None:
            changed = self._lines(order, data["lines"], created) or changed
        if data.get("invoice"):
            changed = self._invoice(order, data["invoice"]) or changed
        return Upserted(order, created, changed)

    def _lines(self, order: Order, lines: list[Mapping[str, Any]], created: bool) -> bool:
        wanted = []
        for index, line in enumerate(lines):
            row = OrderLine(
                order=order, **{name: line[name] for name in LINE_FIELDS if line.get(name) is not None}
            )
            try:
                row.full_clean(exclude=["order"])
            except ValidationError as exc:
                raise _prefixed(exc, f"lines.{index}") from exc
            wanted.append(row)
        if not created:
            current = [tuple(getattr(r, n) for n in LINE_FIELDS) for r in order.lines.all()]
            if current == [tuple(getattr(r, n) for n in LINE_FIELDS) for r in wanted]:
                return False
            # Order lines keep no history of their own (customers.models.OrderLine).
            order.lines.all().delete()
        OrderLine.objects.bulk_create(wanted)
        return True

    def _invoice(self, order: Order, data: Mapping[str, Any]) -> bool:
        number = str(data.get("number") or "").strip()
        if not number:
            raise _error("invoice.number", _("This field is required."))
        invoice = Invoice.objects.select_for_update().filter(number=number).first()
        created = invoice is None
        if created:
            invoice = Invoice(number=number, order=order)
        elif invoice.order_id != order.pk:
            raise _error("invoice.number", _("This invoice belongs to another order."))
        before = {name: getattr(invoice, name) for name in INVOICE_FIELDS}
        for name in INVOICE_FIELDS:
            if name in data and data[name] is not None:
                setattr(invoice, name, data[name])
        invoice.currency = (invoice.currency or order.currency).upper()
        try:
            invoice.full_clean(exclude=["order"], validate_unique=False)
        except ValidationError as exc:
            raise _prefixed(exc, "invoice") from exc
        after = {name: getattr(invoice, name) for name in before}
        changed = created or after != before
        if created:
            _save(invoice, self.actor)
        elif changed:
            _save(invoice, self.actor, [n for n in before if before[n] != after[n]])
        for index, payment in enumerate(data.get("payments") or []):
            changed = self._payment(invoice, payment, index) or changed
        return changed

    def _payment(self, invoice: Invoice, data: Mapping[str, Any], index: int) -> bool:
        existing = invoice.payments.all()
        if data.get("reference"):
            existing = existing.filter(reference=data["reference"])
        else:
            existing = existing.filter(paid_at=data.get("paid_at"), amount=data.get("amount"), reference="")
        if existing.exists():
            return False
        payment = Payment(
            invoice=invoice,
            **{n: data[n] for n in ("paid_at", "amount", "method", "reference") if data.get(n) is not None},
        )
        try:
            payment.full_clean(exclude=["invoice"])
        except ValidationError as exc:
            raise _prefixed(exc, f"invoice.payments.{index}") from exc
        _save(payment, self.actor)
        return True

    # --- consents ---

    def consent(
        self,
        customer: Customer,
        *,
        purpose: str,
        action: str,
        occurred_at: datetime | None,
        via: str,
        evidence: str,
        notice_version: int | None = None,
    ) -> ConsentEvent:
        """Append a consent event; the notice shown defaults to the one in force at ``occurred_at``."""
        found = ConsentPurpose.objects.filter(code=purpose).first()
        if found is None:
            raise _error("purpose", _("No consent purpose has this code."))
        occurred_at = occurred_at or timezone.now()
        if occurred_at > timezone.now() + timedelta(minutes=5):
            raise _error("occurred_at", _("The moment lies in the future."))
        if notice_version is None:
            notice_version = _notice_version_at(occurred_at)
        elif not NoticeVersion.objects.filter(number=notice_version).exists():
            raise _error("notice_version", _("No published privacy notice has this version."))
        return ConsentEvent.objects.create(
            customer=customer,
            purpose=found,
            action=action,
            via=via,
            evidence=evidence,
            occurred_at=occurred_at,
            notice_version=notice_version,
        )


def total_of(lines: Iterable[Mapping[str, Any]]) -> Decimal:
    """The sum of quantity × unit price over order lines."""
    return sum(
        (Decimal(str(line["unit_price"])) * int(line.get("quantity", 1)) for line in lines), Decimal("0")
    )


def may_market(purpose: str, *, email: str = "", phone: str = "") -> bool:
    """Whether a customer with this email (or phone) may receive marketing for ``purpose`` now.

    The rules of ``Customer.objects.marketable`` (latest consent granted, not restricted, not erased,
    neither contact suppressed), asked in one query over the indexed normalised contacts.
    """
    query = models.Q()
    if email and (normalized := normalize_email(email)):
        query |= models.Q(email_normalized=normalized)
    if phone and (normalized := normalize_phone(phone)):
        query |= models.Q(phone_normalized=normalized)
    if not query:
        return False
    return Customer.objects.marketable(purpose).filter(query).exists()
