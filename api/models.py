"""The shop's way in: API keys, integrations that send webhooks, their delivery log, idempotent answers.

An API key is shown once, when the DPO creates it; only its SHA-256 hash is stored, with a short public
prefix to find it by. A webhook integration holds the secret the shop signs with (it must be read to
check a signature, so it is stored as entered) and a public slug that names it in its URL: the URL
carries no secret, so no log line does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "kr_"


class Scope(models.TextChoices):
    CUSTOMERS_WRITE = "customers:write", _("Create and update customers")
    ORDERS_WRITE = "orders:write", _("Create and update orders")
    CONSENTS_WRITE = "consents:write", _("Record consent events")
    MARKETING_READ = "marketing:read", _("Ask whether a contact may receive marketing")
    REQUESTS_WRITE = "requests:write", _("File data-subject requests")
    REQUESTS_READ = "requests:read", _("Read the status of requests filed with this key")


def hash_key(key: str) -> str:
    """The stored form of an API key: its SHA-256 digest in hex (the key has 256 random bits)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which integration uses the key, e.g. “WooCommerce shop”.")
    )
    scopes = models.JSONField(_("scopes"), default=list, help_text=_("What the key may do."))
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(
        _("revoked at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A revoked key is refused from this moment on; it cannot be restored."),
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]
        permissions = [("revoke_apikey", _("Can revoke API keys"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def actor(self) -> str:
        """How history records name this key as the author of a change (``history_change_reason``)."""
        return f"api key {self.prefix}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def issue(self) -> str:
        """Give the key a new secret and return it; only its hash is kept. Call before the first save."""
        self.prefix = KEY_PREFIX + secrets.token_hex(4)
        key = f"{self.prefix}_{secrets.token_urlsafe(32)}"
        self.key_hash = hash_key(key)
        return key

    def matches(self, key: str) -> bool:
        """Whether ``key`` is this key's secret, compared in constant time."""
        return hmac.compare_digest(self.key_hash, hash_key(key))

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def revoke(self) -> bool:
        """Refuse the key from now on; return False when it was revoked already.

        The answers kept for the key's retries go with it: no call can replay them any more.
        """
        with transaction.atomic():
            updated = ApiKey.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            IdempotentAnswer.objects.filter(api_key=self).delete()
        self.refresh_from_db(fields=["revoked_at"])
        return bool(updated)


# How long a first answer is kept for retries (Stripe keeps them 24 hours too).
IDEMPOTENCY_WINDOW = timedelta(hours=24)


class IdempotentAnswerQuerySet(models.QuerySet):
    def expired(self, now: datetime | None = None) -> IdempotentAnswerQuerySet:
        """Answers older than ``IDEMPOTENCY_WINDOW``, of every key: no retry gets them back."""
        return self.filter(created_at__lt=(now or timezone.now()) - IDEMPOTENCY_WINDOW)


class IdempotentAnswer(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key``; a retry gets it back.

    Kept for ``IDEMPOTENCY_WINDOW``: each write with a key deletes the expired answers of every key, so
    those of a key no longer used go too, and revoking a key deletes its answers at once.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    answer = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = IdempotentAnswerQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="idempotent_answer_key")]

    def __str__(self) -> str:
        return self.key


class Integration(models.Model):
    class Kind(models.TextChoices):
        WOOCOMMERCE = "woocommerce", _("WooCommerce")
        SHOPIFY = "shopify", _("Shopify")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    slug = models.SlugField(
        _("public identifier"),
        max_length=32,
        unique=True,
        editable=False,
        help_text=_("Names the integration in its webhook address; it is not a secret."),
    )
    secret = models.CharField(
        _("webhook secret"),
        max_length=255,
        help_text=_(
            "WooCommerce: the webhook's Secret. Shopify: the app's client secret. "
            "Used to check the signature of every delivery."
        ),
    )
    shop_domain = models.CharField(
        _("shop domain"),
        max_length=255,
        blank=True,
        help_text=_(
            "The shop's host name, e.g. example.myshopify.com or shop.example.fi. Deliveries from any "
            "other shop are refused."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook integration")
        verbose_name_plural = _("webhook integrations")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = secrets.token_hex(8)
        self.shop_domain = self.shop_domain.strip().lower()
        super().save(*args, **kwargs)

    @property
    def actor(self) -> str:
        """How history records name this integration as the author of a change."""
        return f"webhook {self.slug}"

    def get_webhook_path(self) -> str:
        from django.urls import reverse

        return reverse(f"api:webhook-{self.kind}", args=[self.slug])


class WebhookDelivery(models.Model):
    class Outcome(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        DUPLICATE = "duplicate", _("Duplicate, ignored")
        IGNORED = "ignored", _("Nothing to do")
        BAD_SIGNATURE = "bad_signature", _("Refused: bad or missing signature")
        REFUSED = "refused", _("Refused: wrong shop or topic")
        MALFORMED = "malformed", _("Malformed body, kept for staff")

    integration = models.ForeignKey(
        Integration, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("integration")
    )
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    delivery_id = models.CharField(_("delivery ID"), max_length=100, blank=True)
    # What a repeated delivery is recognised by: Shopify's event id; WooCommerce's delivery id with the
    # SHA-256 of the body (its delivery id repeats within a second). Empty for refused deliveries.
    dedup_key = models.CharField(max_length=200, blank=True, editable=False)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    detail = models.TextField(_("detail"), blank=True)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Kept only when it could not be processed, for staff to see what the shop sent."),
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "dedup_key"], condition=~Q(dedup_key=""), name="webhook_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["outcome", "-received_at"], name="webhook_delivery_outcome")]

    def __str__(self) -> str:
        return f"{self.topic} {self.delivery_id}".strip()


class FiledRequest(models.Model):
    """Which data-subject request an API key or webhook integration filed (what the key may read back)."""

    request = models.OneToOneField("requests.Request", on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    integration = models.ForeignKey(
        Integration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.request_id)
