"""The register's content: customers, orders and bookkeeping records, returns and the consent ledger.

The consent ledger (``ConsentEvent``) is append-only evidence under GDPR Art. 7(1): current consent is
derived from the latest event per customer and purpose, never stored as a flag. The suppression list
(``Suppression``) keeps objections to direct marketing (Art. 21(3)) as keyed hashes, so it survives
erasure without holding an address in clear.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers import contacts
from customers.contacts import (
    hash_contact,
    mask_bank_account,
    mask_identity_number,
    normalize_email,
    normalize_phone,
)
from register.email_address import EmailAddressField
from register.events import EventType, queue_event
from register.models import NoticeVersion, Register
from register.translation import Language


def _current_notice_version() -> int | None:
    """Return the number of the privacy notice in force, or None when none is published."""
    current = NoticeVersion.objects.current()
    return current.number if current is not None else None


def _notice_version_at(moment: datetime | None) -> int | None:
    """Return the number of the notice in force at ``moment`` (now when None), or None."""
    if moment is None:
        return _current_notice_version()
    version = NoticeVersion.objects.in_force_on(moment)
    return version.number if version is not None else None


# --- Customers ---------------------------------------------------------------------------------

# The customer number an anonymised customer row gets once no kept record needs the shop's number.
ANONYMOUS_NUMBER_PREFIX = "anon-"


def anonymous_number() -> Concat:
    """The expression ``anon-<row id>`` for ``QuerySet.update``: unique, meaningless outside the register."""
    return Concat(Value(ANONYMOUS_NUMBER_PREFIX), Cast("id", output_field=models.CharField()))


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class ErasureMode(models.TextChoices):
    """What erasure does with the customer row itself (GDPR Art. 17): the customer chooses."""

    DELETE = "delete", _("Delete")
    ANONYMISE = "anonymise", _("Anonymise")


class CustomerQuerySet(models.QuerySet):
    def matching_email(self, email: str | None) -> CustomerQuerySet:
        """Customers whose normalised email equals the given one (case and whitespace ignored)."""
        normalized = normalize_email(email)
        if not normalized:
            return self.none()
        return self.filter(email_normalized=normalized)

    def with_consent_state(self, purpose_code: str) -> CustomerQuerySet:
        """Annotate ``consent_action`` with the latest ledger action for the purpose (or None)."""
        latest = (
            ConsentEvent.objects.filter(customer=OuterRef("pk"), purpose__code=purpose_code)
            .order_by("-occurred_at", "-id")
            .values("action")[:1]
        )
        return self.annotate(consent_action=Subquery(latest))

    def not_erased(self) -> CustomerQuerySet:
        return self.filter(erased_at__isnull=True)

    def restricted(self) -> CustomerQuerySet:
        return self.filter(restricted_at__isnull=False)

    def suppressed(self) -> CustomerQuerySet:
        """Customers whose email or phone is on the suppression list (GDPR Art. 21(3))."""
        return self.filter(self._suppressed_q())

    @staticmethod
    def _suppressed_q() -> Q:
        return Q(Exists(Suppression.objects.filter(digest=OuterRef("email_digest")))) | Q(
            Exists(Suppression.objects.filter(digest=OuterRef("phone_digest")))
        )

    def marketable(self, purpose_code: str) -> CustomerQuerySet:
        """Customers who may receive marketing for the purpose, in one query.

        Current consent for the purpose is granted (GDPR Art. 6(1)(a), 7(3)), the customer is not
        restricted (Art. 18), neither email nor phone is suppressed (Art. 21(3)), and the customer is
        not erased (Art. 17).
        """
        return (
            self.with_consent_state(purpose_code)
            .filter(
                consent_action=ConsentEvent.Action.GRANTED,
                restricted_at__isnull=True,
                erased_at__isnull=True,
            )
            .exclude(self._suppressed_q())
        )


class Customer(models.Model):
    customer_number = models.CharField(
        _("customer number"), max_length=32, unique=True, help_text=_("The shop's own customer number.")
    )
    external_id = models.CharField(
        _("shop customer ID"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("The customer's id in the web shop's own database, sent by the shop's API or webhooks."),
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company = models.CharField(_("company or organisation"), max_length=200, blank=True)
    business_id = models.CharField(
        _("business ID"),
        max_length=32,
        blank=True,
        help_text=_("Y-tunnus, organisationsnummer, registrikood."),
    )
    identity_number = models.CharField(
        _("personal identity number"),
        max_length=32,
        blank=True,
        help_text=_(
            "Shown masked to staff without the permission to view sensitive identifiers. "
            "Keep it only where the register description says so."
        ),
    )
    email = EmailAddressField(_("email"), blank=True)
    email_normalized = models.CharField(
        _("normalised email"), max_length=254, blank=True, db_index=True, editable=False
    )
    email_digest = models.CharField(
        _("email hash"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Keyed hash of the email, compared with the suppression list."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_normalized = models.CharField(
        _("normalised phone"), max_length=40, blank=True, db_index=True, editable=False
    )
    phone_digest = models.CharField(
        _("phone hash"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Keyed hash of the phone number, compared with the suppression list."),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. FI, SE, NO, EE.")
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
        help_text=_("Language of emails and pages sent to this customer."),
    )
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    homepage = models.URLField(_("homepage"), blank=True)
    username = models.CharField(_("web-shop username"), max_length=150, blank=True, db_index=True)
    bank_account = models.CharField(
        _("bank account for refunds"),
        max_length=42,
        blank=True,
        help_text=_("IBAN. Shown masked to staff without the permission to view sensitive identifiers."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    last_activity_at = models.DateTimeField(
        _("last activity"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Last order, login or contact; retention periods run from here."),
    )
    relationship_ended_at = models.DateTimeField(
        _("relationship ended at"), null=True, blank=True, db_index=True
    )
    restricted_at = models.DateTimeField(
        _("restricted at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Processing restricted under GDPR Art. 18: data is only stored; no marketing or other "
            "non-essential processing. Tell the customer before lifting it (Art. 18(3))."
        ),
    )
    restriction_reason = models.TextField(_("restriction reason"), blank=True)
    erased_at = models.DateTimeField(
        _("erased at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Set when the customer was erased or anonymised (GDPR Art. 17)."),
    )
    erasure_mode = models.CharField(
        _("erased as"),
        max_length=10,
        choices=ErasureMode.choices,
        blank=True,
        help_text=_(
            "Delete: the row, already without identifiers, is deleted with the last order a legal hold "
            "keeps. Anonymise: the row stays without identifiers, for statistics such as order counts."
        ),
    )

    history = HistoricalRecords()
    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        permissions = [
            (
                "view_sensitive_identifiers",
                _("Can view personal identity numbers and bank accounts in full"),
            ),
            (
                "export_marketing_list",
                _("Can export marketing lists with unsubscribe links"),
            ),
        ]
        indexes = [
            models.Index(fields=["country"], name="customer_country_idx"),
            models.Index(fields=["language"], name="customer_language_idx"),
            models.Index(fields=["last_name", "first_name"], name="customer_name_idx"),
            models.Index(fields=["email_digest"], name="customer_email_digest_idx"),
            models.Index(fields=["phone_digest"], name="customer_phone_digest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"), name="customer_country_iso2"
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="customer_external_id_unique"
            ),
        ]

    def __str__(self) -> str:
        # The admin log copies str(); a customer number is not a name (docs/legal.md, "Known traps").
        return self.customer_number

    def save(self, *args, **kwargs) -> None:
        self.refresh_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"email_normalized", "email_digest", "phone_normalized", "phone_digest"}
            if {"email", "phone", "country"} & set(update_fields):
                kwargs["update_fields"] = set(update_fields) | derived
        super().save(*args, **kwargs)

    def refresh_derived_fields(self) -> None:
        """Recompute normalised contacts and their keyed hashes (call before bulk_create)."""
        self.country = (self.country or "").strip().upper()
        self.email = (self.email or "").strip()
        self.email_normalized = normalize_email(self.email)
        self.phone_normalized = normalize_phone(self.phone, self.country or None)
        self.email_digest = hash_contact(Suppression.Kind.EMAIL, self.email_normalized)
        self.phone_digest = hash_contact(Suppression.Kind.PHONE, self.phone_normalized)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def masked_identity_number(self) -> str:
        return mask_identity_number(self.identity_number)

    @property
    def masked_bank_account(self) -> str:
        return mask_bank_account(self.bank_account)

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def restrict(self, reason: str, by=None) -> None:
        """Restrict processing (GDPR Art. 18): data is only stored; marketing stops."""
        if self.restricted_at is None:
            self.restricted_at = timezone.now()
        self.restriction_reason = reason
        self._history_user = by
        self.save(update_fields=["restricted_at", "restriction_reason"])

    def lift_restriction(self, by=None, notified_at: datetime | None = None) -> None:
        """Lift a restriction once the customer has been told it will be lifted (GDPR Art. 18(3)).

        ``notified_at`` is when the recorded "we will lift the restriction" notice was sent to
        this customer; without one, or with one sent before the restriction began, the
        restriction stays.
        """
        if notified_at is None or (self.restricted_at is not None and notified_at < self.restricted_at):
            raise ValueError("Tell the customer before lifting the restriction (GDPR Art. 18(3)).")
        self.restricted_at = None
        self.restriction_reason = ""
        self._history_user = by
        self.save(update_fields=["restricted_at", "restriction_reason"])

    def latest_consent_event(self, purpose: ConsentPurpose | str) -> ConsentEvent | None:
        """Return the latest ledger event for the purpose, or None when there is none."""
        events = self.consent_events.order_by("-occurred_at", "-id")
        if isinstance(purpose, ConsentPurpose):
            events = events.filter(purpose=purpose)
        else:
            events = events.filter(purpose__code=purpose)
        return events.first()

    def has_consent(self, purpose: ConsentPurpose | str) -> bool:
        """Whether the latest ledger event for the purpose is a grant."""
        event = self.latest_consent_event(purpose)
        return event is not None and event.action == ConsentEvent.Action.GRANTED

    def current_consents(self) -> dict[str, bool]:
        """Return {purpose code: consent granted} for every purpose, derived from the ledger."""
        state = dict.fromkeys(ConsentPurpose.objects.values_list("code", flat=True), False)
        events = self.consent_events.order_by("occurred_at", "id").values_list("purpose__code", "action")
        for code, action in events:
            state[code] = action == ConsentEvent.Action.GRANTED
        return state

    def _record_consent(
        self, purpose: ConsentPurpose | str, action: str, via: str, evidence: str, occurred_at=None
    ) -> ConsentEvent:
        if not isinstance(purpose, ConsentPurpose):
            purpose = ConsentPurpose.objects.get(code=purpose)
        return ConsentEvent.objects.create(
            customer=self,
            purpose=purpose,
            action=action,
            via=via,
            evidence=evidence,
            occurred_at=occurred_at or timezone.now(),
            notice_version=_notice_version_at(occurred_at),
        )

    def grant_consent(
        self, purpose: ConsentPurpose | str, via: str, evidence: str = "", occurred_at=None
    ) -> ConsentEvent:
        """Record that the customer gave consent for the purpose (GDPR Art. 7(1) evidence)."""
        return self._record_consent(purpose, ConsentEvent.Action.GRANTED, via, evidence, occurred_at)

    def withdraw_consent(
        self,
        purpose: ConsentPurpose | str,
        via: str,
        evidence: str = "",
        occurred_at=None,
        *,
        announce: bool = True,
    ) -> ConsentEvent:
        """Record that the customer withdrew consent for the purpose (GDPR Art. 7(3)).

        Recipients with a webhook are sent a ``consent.withdrawn`` event (after commit), so the shop
        stops mailing; not for rows imported from the shop itself, nor when ``announce`` is false
        (an objection announces itself once).
        """
        event = self._record_consent(purpose, ConsentEvent.Action.WITHDRAWN, via, evidence, occurred_at)
        if announce and via != ConsentEvent.Via.IMPORT:
            queue_event(
                EventType.CONSENT_WITHDRAWN,
                self,
                purposes=[event.purpose.code],
                request_number=evidence if via == ConsentEvent.Via.REQUEST else "",
                occurred_at=event.occurred_at,
            )
        return event

    def record_consent_by_staff(
        self,
        purpose: ConsentPurpose,
        action: str,
        *,
        via: str,
        evidence: str,
        by,
        occurred_at: datetime | None = None,
    ) -> ConsentEvent:
        """Append a consent or opt-out that staff received by phone, letter, email or in the shop.

        The ledger stays append-only: this adds one event naming the channel, the evidence and the
        staff member ``by``; nothing earlier is changed (GDPR Art. 7(1)). A withdrawal takes effect
        at once: ``Customer.objects.marketable`` derives consent from the latest event.
        """
        evidence = (evidence or "").strip()
        if action not in ConsentEvent.Action.values:
            raise ValueError("Unknown consent action.")
        if via not in ConsentEvent.STAFF_CHANNELS:
            raise ValueError("Staff record consents received by phone, letter, email or in the shop.")
        if not evidence:
            raise ValueError("Say what the evidence is (who called, the letter's date, ...).")
        now = timezone.now()
        if occurred_at is not None and occurred_at > now:
            raise ValueError("A consent event cannot lie in the future.")
        return ConsentEvent.objects.create(
            customer=self,
            purpose=purpose,
            action=action,
            via=via,
            evidence=evidence,
            occurred_at=occurred_at or now,
            notice_version=_current_notice_version(),
            recorded_by=by,
        )


# --- Orders and bookkeeping records ------------------------------------------------------------


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
        super().save(*args, **kwargs)

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
        paid = (
            Payment.objects.filter(invoice_id=OuterRef("pk"))
            .values("invoice_id")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        amount = models.DecimalField(max_digits=12, decimal_places=2)
        return (
            self.filter(collection_started_on__isnull=False)
            .alias(
                paid=Coalesce(Subquery(paid, output_field=amount), Value(Decimal("0")), output_field=amount)
            )
            .filter(amount__gt=F("paid"))
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

    def __str__(self) -> str:
        return f"{self.order_id}/{self.pk}"

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


class ConsentPurpose(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        POST = "post", _("Post")
        PROFILING = "profiling", _("Profiling")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_marketing = models.BooleanField(
        _("direct marketing"),
        default=True,
        help_text=_("Direct marketing: an objection (GDPR Art. 21(2)) stops it absolutely."),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = _("consent purpose")
        verbose_name_plural = _("consent purposes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.localized_name()

    def localized_name(self, language: str | None = None) -> str:
        """Return the purpose's name in the given (default: active) language, falling back to English."""
        language = (language or get_language() or "en")[:2]
        if language == "no":
            language = "nb"
        return getattr(self, f"name_{language}", "") or self.name_en


class ConsentEvent(models.Model):
    """One entry of the append-only consent ledger (GDPR Art. 7(1) evidence)."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Via(models.TextChoices):
        CHECKOUT = "checkout", _("Checkout checkbox")
        WEB_FORM = "web_form", _("Web form")
        PHONE = "phone", _("Phone")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
        REQUEST = "request", _("Data-subject request")
        STAFF = "staff", _("Staff")
        IMPORT = "import", _("Import")
        LETTER = "letter", _("Letter")
        IN_SHOP = "in_shop", _("In the shop")
        EMAIL = "email", _("Email")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="consent_events", verbose_name=_("customer")
    )
    purpose = models.ForeignKey(
        ConsentPurpose, on_delete=models.PROTECT, related_name="events", verbose_name=_("purpose")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    via = models.CharField(_("via"), max_length=16, choices=Via.choices)
    notice_version = models.PositiveIntegerField(
        _("privacy notice version"),
        null=True,
        blank=True,
        help_text=_("Number of the privacy notice in force when the event was recorded."),
    )
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("Form name, staff user, request reference or import file.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The staff member who recorded a consent or opt-out received by phone, letter or in the shop."
        ),
    )

    # The channels through which staff receive a consent or an opt-out and record it by hand.
    STAFF_CHANNELS = (Via.PHONE, Via.LETTER, Via.IN_SHOP, Via.EMAIL)

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent ledger")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "purpose", "-occurred_at", "-id"], name="consent_latest_idx"),
            models.Index(fields=["occurred_at"], name="consent_occurred_idx"),
            models.Index(fields=["via"], name="consent_via_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.purpose_id} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        # Evidence of consent is never edited (GDPR Art. 7(1)); a change is a new event.
        if not self._state.adding:
            raise ValueError("Consent events are append-only; record a new event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Consent events are never deleted through the application.")


# --- Suppression list --------------------------------------------------------------------------


class SuppressionQuerySet(models.QuerySet):
    def contains_email(self, email: str | None) -> bool:
        digest = hash_contact(Suppression.Kind.EMAIL, email)
        return bool(digest) and self.filter(digest=digest).exists()

    def contains_phone(self, phone: str | None) -> bool:
        digest = hash_contact(Suppression.Kind.PHONE, phone)
        return bool(digest) and self.filter(digest=digest).exists()


class Suppression(models.Model):
    """An objection to direct marketing (GDPR Art. 21(3)), kept as a keyed hash only."""

    class Kind(models.TextChoices):
        EMAIL = contacts.EMAIL, _("Email")
        PHONE = contacts.PHONE, _("Phone")

    class Reason(models.TextChoices):
        OBJECTION = "objection", _("Objection to direct marketing (Art. 21)")
        ERASURE = "erasure", _("Kept after erasure so marketing never resumes")
        STAFF = "staff", _("Added by staff")
        IMPORT = "import", _("Imported")

    digest = models.CharField(_("keyed hash"), max_length=64, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, default=Reason.OBJECTION)

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suppressed contact")
        verbose_name_plural = _("suppression list")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.digest[:12]}…"

    @classmethod
    def add(cls, email: str | None = None, phone: str | None = None, reason: str = Reason.OBJECTION) -> list:
        """Put the email and/or phone on the list (idempotent); return the list entries."""
        entries = []
        for kind, value in ((cls.Kind.EMAIL, email), (cls.Kind.PHONE, phone)):
            digest = hash_contact(kind, value)
            if digest:
                entry, _created = cls.objects.get_or_create(
                    digest=digest, defaults={"kind": kind, "reason": reason}
                )
                entries.append(entry)
        return entries


# --- Workflows ---------------------------------------------------------------------------------


def record_marketing_objection(customer: Customer, via: str, evidence: str = "") -> int:
    """Record an objection to direct marketing (GDPR Art. 21(2), 21(3)); return withdrawals recorded.

    Withdraws every currently granted marketing purpose in the ledger and puts the customer's email
    and phone on the suppression list, so marketing never resumes, even after erasure. All or nothing.
    """
    with transaction.atomic():
        marketing = {p.code: p for p in ConsentPurpose.objects.filter(is_marketing=True)}
        withdrawn = 0
        purposes = []
        for code, granted in customer.current_consents().items():
            if granted and code in marketing:
                customer.withdraw_consent(marketing[code], via=via, evidence=evidence, announce=False)
                purposes.append(code)
                withdrawn += 1
        Suppression.add(
            email=customer.email_normalized or None,
            phone=customer.phone_normalized or None,
            reason=Suppression.Reason.OBJECTION,
        )
        queue_event(
            EventType.OBJECTION_RECORDED,
            customer,
            purposes=purposes,
            request_number=evidence if via == ConsentEvent.Via.REQUEST else "",
        )
    return withdrawn
