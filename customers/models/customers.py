"""Customers: who they are, their contacts, and what erasure leaves of them."""

from __future__ import annotations

from datetime import datetime

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.contacts import (
    hash_contact,
    mask_bank_account,
    mask_identity_number,
    normalize_email,
    normalize_phone,
)
from register.compiled_reads import CompiledRead
from register.email_address import EmailAddressField
from register.events import EventType, queue_event
from register.models import NoticeVersion
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
        """Annotate ``consent_action`` with the latest ledger action for the purpose (or None).

        The purpose is named by its id, read once by the database (an uncorrelated subquery), so each
        customer's latest event is one probe of the ledger's (customer, purpose, time) index; joined to
        the purposes by code, every event of the customer was read (40 % slower over a million).
        """
        purpose = ConsentPurpose.objects.filter(code=purpose_code).values("pk")[:1]
        latest = (
            ConsentEvent.objects.filter(customer=OuterRef("pk"), purpose=Subquery(purpose))
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
    # Indexed with the id (Meta.indexes): the admin's list order, which a deep page walks index-only.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
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
            models.Index(fields=["created_at", "id"], name="customer_created_idx"),
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

    def lift_restriction(
        self, by=None, notified_at: datetime | None = None, *, request_number: str = ""
    ) -> None:
        """Lift a restriction once the customer has been told it will be lifted (GDPR Art. 18(3)).

        ``notified_at`` is when the recorded "we will lift the restriction" notice was sent to
        this customer; without one, or with one sent before the restriction began, the
        restriction stays. Recipients with a webhook, which were told of the restriction, are sent
        a ``customer.restriction_lifted`` event in the same transaction (``request_number``: the
        request it was lifted for, if any).
        """
        if notified_at is None or (self.restricted_at is not None and notified_at < self.restricted_at):
            raise ValueError("Tell the customer before lifting the restriction (GDPR Art. 18(3)).")
        self.restricted_at = None
        self.restriction_reason = ""
        self._history_user = by
        with transaction.atomic():
            self.save(update_fields=["restricted_at", "restriction_reason"])
            queue_event(EventType.RESTRICTION_LIFTED, self, request_number=request_number)

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
        return {purpose.code: granted for purpose, granted in self.consent_overview()}

    def consent_overview(self) -> list[tuple[ConsentPurpose, bool]]:
        """Every purpose, by code, with whether its latest ledger event for the customer grants it.

        One query however long the ledger: the latest event per purpose comes from the index on
        (customer, purpose, occurred_at, id). Its SQL is compiled once per process (``_CONSENT_OVERVIEW``).
        """
        if self.pk is None:
            purposes = _consent_overview(None)
        else:
            purposes = ConsentPurpose.objects.raw(*_CONSENT_OVERVIEW.sql_and_params(self.pk))
        return [(purpose, purpose.latest_action == ConsentEvent.Action.GRANTED) for purpose in purposes]

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


# The ledger's models refer to ``Customer`` as they are defined, and the customer's methods read and
# write the ledger: they are imported once ``Customer`` exists.
from customers.models.consents import ConsentEvent, ConsentPurpose, Suppression  # noqa: E402


def _consent_overview(customer_id: int | None) -> models.QuerySet:
    """Every purpose by code, annotated with the customer's latest ledger action for it."""
    latest = (
        ConsentEvent.objects.filter(customer_id=customer_id, purpose=OuterRef("pk"))
        .order_by("-occurred_at", "-id")
        .values("action")[:1]
    )
    return ConsentPurpose.objects.annotate(latest_action=Subquery(latest)).order_by("code")


_CONSENT_OVERVIEW = CompiledRead(_consent_overview)
