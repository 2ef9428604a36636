"""Erasure records, legal claims and Art. 19 recipient notifications (GDPR Art. 17–19)."""

from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models import ErasureMode
from register.email_address import EmailAddressField
from requests.models.request import Request, TransitionError


class ErasureRecord(models.Model):
    """Evidence of an erasure (GDPR Art. 5(2), 17): which rows and fields, never their values.

    ``items`` lists per model what was anonymised, deleted or retained, with the legal hold and
    the date it ends, e.g. ``{"model": "customers.order", "action": "retain", "hold":
    "bookkeeping", "until": "2031-12-31", "fields": [...], "pks": [...]}``.
    """

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_records",
        verbose_name=_("customer"),
    )
    request = models.ForeignKey(
        Request,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_records",
        verbose_name=_("request"),
    )
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now, db_index=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the retention job erased the customer."),
    )
    reason = models.CharField(_("reason"), max_length=200)
    mode = models.CharField(
        _("delete or anonymise"),
        max_length=10,
        choices=ErasureMode.choices,
        default=ErasureMode.ANONYMISE,
        help_text=_(
            "Delete: the customer row was deleted, or is deleted with the last record a legal hold keeps. "
            "Anonymise: a customer row without identifiers stays, for statistics."
        ),
    )
    items = models.JSONField(_("items"), default=list)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {timezone.localtime(self.erased_at):%Y-%m-%d}"


class LegalClaimQuerySet(models.QuerySet):
    def active(self, today: date | None = None) -> "LegalClaimQuerySet":
        today = today or timezone.localdate()
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gte=today))


class LegalClaim(models.Model):
    """Data kept to establish, exercise or defend a legal claim (GDPR Art. 17(3)(e)).

    While a claim is active the customer cannot be erased; the preview says why and until when.
    """

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="legal_claims",
        verbose_name=_("customer"),
    )
    request = models.ForeignKey(
        Request,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legal_claims",
        verbose_name=_("request"),
    )
    note = models.TextField(
        _("note"), help_text=_("What the claim is about, e.g. a disputed payment or a court case.")
    )
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Leave empty when the end date is not known yet.")
    )
    noted_at = models.DateTimeField(_("noted at"), default=timezone.now)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("noted by"), on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = LegalClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal claim")
        verbose_name_plural = _("legal claims")
        ordering = ["-noted_at", "-id"]
        indexes = [models.Index(fields=["customer", "lifted_at"], name="legalclaim_customer_lifted")]

    def __str__(self) -> str:
        return f"{self.customer_id} {timezone.localtime(self.noted_at):%Y-%m-%d}"


class RecipientNotification(models.Model):
    """A task to tell one recipient of a rectification, erasure or restriction (GDPR Art. 19)."""

    class Action(models.TextChoices):
        RECTIFICATION = "rectification", _("Rectification")
        ERASURE = "erasure", _("Erasure")
        RESTRICTION = "restriction", _("Restriction")

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        SENT = "sent", _("Sent")
        IMPOSSIBLE = "impossible", _("Impossible or disproportionate")

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="recipient_notifications", verbose_name=_("request")
    )
    recipient = models.ForeignKey(
        "register.Recipient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    recipient_name = models.CharField(
        _("recipient name"), max_length=200, help_text=_("As in the register when the task was created.")
    )
    recipient_email = EmailAddressField(_("recipient email"), blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why telling this recipient is impossible or involves disproportionate effort."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event_messages = models.ManyToManyField(
        "register.OutboxMessage",
        blank=True,
        related_name="+",
        verbose_name=_("webhook events"),
        help_text=_(
            "The signed events sent to the recipient's webhook; the task is done when all are delivered."
        ),
    )

    class Meta:
        verbose_name = _("recipient notification (Art. 19)")
        verbose_name_plural = _("recipient notifications (Art. 19)")
        ordering = ["request", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="recipientnotif_status_at")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="impossible") | ~Q(reason=""), name="recipientnotif_impossible_reason"
            ),
            models.UniqueConstraint(
                fields=["request", "recipient", "action"], name="recipientnotif_once_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name}: {self.get_action_display()}"

    def lock(self) -> None:
        """Lock the task's row until the transaction ends and re-read it; refuse if someone else closed it.

        Call inside ``transaction.atomic()``.
        """
        read = self.status
        self.refresh_from_db(from_queryset=RecipientNotification.objects.select_for_update())
        if self.status != read:
            raise TransitionError(
                gettext("Someone else marked this task “%(status)s” a moment ago.")
                % {"status": self.Status(self.status).label},
                code="concurrent_change",
            )

    def mark_sent(self, *, by) -> None:
        """Record that the recipient was told (by email from here or otherwise)."""
        with transaction.atomic():
            self.lock()
            self.status = self.Status.SENT
            self.reason = ""
            self.done_at = timezone.now()
            self.done_by = by
            self.save(update_fields=["status", "reason", "done_at", "done_by"])

    def mark_impossible(self, *, by, reason: str) -> None:
        """Record that telling the recipient is impossible or disproportionate (Art. 19), and why."""
        reason = (reason or "").strip()
        if not reason:
            raise TransitionError(
                gettext("Say why notifying this recipient is impossible or disproportionate.")
            )
        with transaction.atomic():
            self.lock()
            self.status = self.Status.IMPOSSIBLE
            self.reason = reason
            self.done_at = timezone.now()
            self.done_by = by
            self.save(update_fields=["status", "reason", "done_at", "done_by"])
