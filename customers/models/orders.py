"""Orders and their bookkeeping records: lines, invoices, payments and returns."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Case, F, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.contacts import (
    mask_bank_account,
)
from customers.models.customers import (
    Customer,
)
from register.models import Register


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")
        RETURNED = "returned", _("Returned")

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    # PROTECT: the seller decides which country's bookkeeping and consumer law keep the order
    # (docs/legal.md); deleting a controller must not silently move its orders to another law.
    controller = models.ForeignKey(
        "register.Controller",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("sold by"),
        help_text=_(
            "The controller (company) that sold the order; its country's bookkeeping and consumer law "
            "keep the order. Empty: the register's country."
        ),
    )
    number = models.CharField(_("order number"), max_length=32, unique=True)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(
        _("delivered at"),
        null=True,
        blank=True,
        help_text=_("Consumer complaint periods count from delivery; empty: from the order date."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    delivery_name = models.CharField(_("delivery name"), max_length=200, blank=True)
    delivery_street = models.CharField(_("delivery street address"), max_length=200, blank=True)
    delivery_postal_code = models.CharField(_("delivery postal code"), max_length=16, blank=True)
    delivery_city = models.CharField(_("delivery city"), max_length=100, blank=True)
    delivery_country = models.CharField(_("delivery country"), max_length=2, blank=True)
    delivery_phone = models.CharField(_("delivery phone"), max_length=40, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    purge_after = models.DateField(
        _("purge after"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Set when the customer is erased and the order is kept as a bookkeeping record "
            "(GDPR Art. 17(3)(b)); the retention job deletes it after this date."
        ),
    )

    history = HistoricalRecords()

    # Orders not yet finished: they hold their customer and their delivery data (GDPR Art. 6(1)(b)).
    UNFINISHED_STATUSES = [Status.PENDING, Status.PAID, Status.SHIPPED]

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_placed_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.controller_id is None:
            # By default the register's main controller sold the order (docs/staff.md).
            register = Register.objects.current()
            self.controller = register.main_controller() if register is not None else None
        update_fields = kwargs.get("update_fields")
        owner_saved = update_fields is None or bool({"customer", "customer_id"} & set(update_fields))
        existed = not self._state.adding
        super().save(*args, **kwargs)
        if existed and owner_saved:
            # An order changes hands through a shop's upsert, an import or the admin: its returns keep the
            # customer it is saved with (``Return.customer``), whoever had it before, even if another
            # process moved it meanwhile (no row is written when they already have it).
            Return.objects.filter(order_id=self.pk).exclude(customer_id=self.customer_id).update(
                customer_id=self.customer_id
            )

    @property
    def delivery_address(self) -> str:
        return ", ".join(
            part
            for part in (
                self.delivery_street,
                f"{self.delivery_postal_code} {self.delivery_city}".strip(),
                self.delivery_country,
            )
            if part
        )

    def cancel(self) -> None:
        """Cancel a pending or paid order."""
        if self.status not in {self.Status.PENDING, self.Status.PAID}:
            raise ValueError(f"order {self.number} is {self.status} and cannot be cancelled")
        self.status = self.Status.CANCELLED
        self.save(update_fields=["status"])

    def mark_shipped(self, carrier: str = "") -> None:
        self.status = self.Status.SHIPPED
        if carrier:
            self.carrier = carrier
        self.save(update_fields=["status", "carrier"])

    def mark_delivered(self, at: datetime | None = None) -> None:
        self.status = self.Status.DELIVERED
        self.delivered_at = at or timezone.now()
        self.save(update_fields=["status", "delivered_at"])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    product_name = models.CharField(_("product name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("25.50")
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class InvoiceQuerySet(models.QuerySet):
    def unpaid_in_collection(self) -> InvoiceQuerySet:
        """Invoices in debt collection whose payments do not yet cover the amount."""
        in_collection = self.filter(collection_started_on__isnull=False)
        return in_collection.alias(paid=_paid()).filter(amount__gt=F("paid"))


def _paid() -> Coalesce:
    """What the payments of an invoice add up to (0 without any), as a value of the invoice."""
    paid = (
        Payment.objects.filter(invoice_id=OuterRef("pk"))
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    return Coalesce(Subquery(paid, output_field=amount), Value(Decimal("0")), output_field=amount)


def unpaid_in_collection_flag() -> Case:
    """1 for an invoice ``unpaid_in_collection()`` names, else 0, as a value of each invoice: the payments
    are added up only for invoices sent to collection, not for every invoice."""
    return Case(
        When(collection_started_on__isnull=True, then=Value(0)),
        When(amount__gt=_paid(), then=Value(1)),
        default=Value(0),
    )


class Invoice(models.Model):
    """A bookkeeping voucher: kept for the statutory period even after the customer is erased."""

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order")
    )
    number = models.CharField(_("invoice number"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    vat_amount = models.DecimalField(
        _("VAT amount"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    billing_name = models.CharField(_("billing name"), max_length=200, blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    due_on = models.DateField(_("payment due date"), null=True, blank=True)
    collection_started_on = models.DateField(
        _("sent to debt collection on"),
        null=True,
        blank=True,
        help_text=_(
            "While the invoice is unpaid and in debt collection, a statutory hold keeps it and its order "
            "as they are, even after an erasure request (GDPR Art. 17(3)(e))."
        ),
    )

    history = HistoricalRecords()
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "card", _("Card")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        INVOICE = "invoice", _("Invoice")
        MOBILE = "mobile", _("Mobile payment (MobilePay, Swish, Vipps)")
        CASH_ON_DELIVERY = "cod", _("Cash on delivery")
        OTHER = "other", _("Other")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice")
    )
    paid_at = models.DateTimeField(_("paid at"), default=timezone.now, db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.CARD)
    reference = models.CharField(_("reference"), max_length=64, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at", "-id"]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"


class Return(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RECEIVED = "received", _("Received")
        REFUNDED = "refunded", _("Refunded")
        REJECTED = "rejected", _("Rejected")

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    # The customer of the order, kept with the return (``save``, and ``Order.save`` when an order changes
    # hands): a customer's latest returns are then read from their own index, whatever the number of
    # their orders.
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="returns",
        editable=False,
        db_index=False,
        verbose_name=_("customer"),
    )
    returned_at = models.DateTimeField(_("returned at"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    refund_amount = models.DecimalField(
        _("refund amount"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    refund_account = models.CharField(
        _("refund account"),
        max_length=42,
        blank=True,
        help_text=_("IBAN. Shown masked to staff without the permission to view sensitive identifiers."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-returned_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-returned_at", "-id"], name="return_customer_returned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.pk}"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"order", "order_id"} & set(update_fields):
            self.customer_id = Order.objects.values_list("customer_id", flat=True).get(pk=self.order_id)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "customer"}
        super().save(*args, **kwargs)

    @property
    def masked_refund_account(self) -> str:
        return mask_bank_account(self.refund_account)

    def mark_received(self) -> None:
        self.status = self.Status.RECEIVED
        self.save(update_fields=["status"])

    def mark_refunded(self) -> None:
        self.status = self.Status.REFUNDED
        self.save(update_fields=["status"])

    def reject(self) -> None:
        self.status = self.Status.REJECTED
        self.save(update_fields=["status"])


# --- Consent ledger ----------------------------------------------------------------------------
