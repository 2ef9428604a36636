"""The consent ledger (append-only evidence, GDPR Art. 7(1)) and the suppression list (Art. 21(3))."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customers import contacts
from customers.contacts import (
    hash_contact,
)
from customers.models.customers import (
    Customer,
)
from register.events import EventType, queue_event

# The public request form lists the consent purposes on every view: they are kept in the cache (shared by
# the processes when CACHE_URL names one), forgotten whenever a purpose is saved or deleted, and read again
# after PURPOSES_SECONDS at the latest.
PURPOSES_KEY = "customers:consent-purposes"
PURPOSES_SECONDS = 300


def consent_purposes() -> list[ConsentPurpose]:
    """Every consent purpose, ordered by code, from the cache when it has them."""
    purposes = cache.get(PURPOSES_KEY)
    if purposes is None:
        purposes = list(ConsentPurpose.objects.order_by("code"))
        cache.set(PURPOSES_KEY, purposes, PURPOSES_SECONDS)
    return purposes


def forget_consent_purposes() -> None:
    """Drop the cached purposes now and again when the transaction commits (a page read in between
    would cache the purposes the transaction is about to change)."""
    cache.delete(PURPOSES_KEY)
    transaction.on_commit(lambda: cache.delete(PURPOSES_KEY))


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

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        forget_consent_purposes()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        forget_consent_purposes()
        return deleted

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
    def add(
        cls, email: str | None = None, phone: str | None = None, reason: str = Reason.OBJECTION
    ) -> list[str]:
        """Put the email and/or phone on the list (idempotent); return the entries' digests.

        One query whatever is given: entries already listed are kept as they are.
        """
        digests = {}
        for kind, value in ((cls.Kind.EMAIL, email), (cls.Kind.PHONE, phone)):
            digest = hash_contact(kind, value)
            if digest:
                digests[digest] = kind
        if not digests:
            return []
        cls.objects.bulk_create(
            [cls(digest=digest, kind=kind, reason=reason) for digest, kind in digests.items()],
            ignore_conflicts=True,
        )
        return list(digests)


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
