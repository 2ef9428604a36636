"""A request's audit trail: its events, correspondence, identity evidence, internal notes and reminders."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from register.email_address import EmailAddressField
from register.translation import Language
from requests.models.request import Request


class RequestEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        VERIFICATION_SENT = "verification_sent", _("Verification link sent")
        VERIFIED = "verified", _("Verified")
        STARTED = "started", _("Processing started")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")
        ASSIGNED = "assigned", _("Assigned")
        EXTENDED = "extended", _("Deadline extended")
        MESSAGE_SENT = "message_sent", _("Message sent")
        MESSAGE_RECEIVED = "message_received", _("Message received")
        MATCH_PROPOSED = "match_proposed", _("Customer match proposed")
        MATCH_CONFIRMED = "match_confirmed", _("Customer match confirmed")
        REPORT_GENERATED = "report_generated", _("Report generated")
        REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
        REPORT_RELEASED = "report_released", _("Report released to the customer")
        ITEM_WITHHELD = "item_withheld", _("Item withheld from a report (Art. 15(4))")
        NO_DATA_HELD = "no_data_held", _("Confirmed that no data is held")
        NOT_RECTIFIED = "not_rectified", _("Proposed correction not applied")
        RECTIFIED = "rectified", _("Data rectified")
        ERASED = "erased", _("Customer erased")
        ERASURE_CHOICE_CHANGED = "erasure_choice", _("Delete or anonymise changed")
        IDENTITY_EVIDENCE = "identity_evidence", _("Identity evidence recorded")
        RESTRICTED = "restricted", _("Processing restricted")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn or objection recorded")
        RECIPIENTS_NOTIFIED = "recipients_notified", _("Recipients to notify (Art. 19)")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the customer or the system acted."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    detail = models.TextField(_("detail"), blank=True)
    # What the product says about the event, stored as a code and its values and worded when shown,
    # so staff read it in their own language (EVENT_DETAILS). Older events have only ``detail``.
    detail_code = models.CharField(_("detail code"), max_length=30, blank=True)
    detail_args = models.JSONField(_("detail values"), default=dict, blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="requestevent_request_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    def describe(self) -> str:
        """The event's detail in the active language: the worded code, then any free text."""
        word = EVENT_DETAILS.get(self.detail_code)
        if word is None:
            return self.detail
        try:
            text = str(word(self.detail_args))
        except (KeyError, TypeError, ValueError):
            return self.detail
        return f"{text}: {self.detail}" if self.detail else text


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _report_kind(value: str) -> str:
    from requests.models.reports import AccessReport

    return _label(AccessReport.Kind, value)


# Event details the product writes: code -> wording in the active language from the stored values.
EVENT_DETAILS = {
    "received_via": lambda a: _label(Request.Channel, a["via"]),
    "rejected": lambda a: _label(Request.RejectionReason, a["reason"]),
    "ledger_events": lambda a: gettext("%(events)d ledger event(s) for %(customers)d customer(s)") % a,
    "art19_notice": lambda a: gettext("Art. 19 notice to %(name)s") % a,
    "report_generated": lambda a: (
        gettext("%(kind)s %(id)s, %(count)s customer(s)") % {**a, "kind": _report_kind(a["kind"])}
    ),
    "report_downloaded": lambda a: (
        gettext("Report %(id)s downloaded by %(who)s") % {**a, "who": a["who"] or gettext("the customer")}
    ),
    "report_released": lambda a: gettext("Report %(id)s, %(count)d item(s) withheld") % a,
}


# What the second of two staff members acting at the same moment is told (see ``Request._lock``).
CHANGED_BY_SOMEONE_ELSE = {
    Request.Status.COMPLETED: _("This request was completed by someone else a moment ago."),
    Request.Status.REJECTED: _("This request was rejected by someone else a moment ago."),
    Request.Status.IN_PROGRESS: _("Someone else started processing this request a moment ago."),
}

EVENT_FOR_STATUS = {
    Request.Status.AWAITING_VERIFICATION: RequestEvent.Kind.VERIFICATION_SENT,
    Request.Status.VERIFIED: RequestEvent.Kind.VERIFIED,
    Request.Status.IN_PROGRESS: RequestEvent.Kind.STARTED,
    Request.Status.COMPLETED: RequestEvent.Kind.COMPLETED,
    Request.Status.REJECTED: RequestEvent.Kind.REJECTED,
    Request.Status.EXPIRED: RequestEvent.Kind.EXPIRED,
}


class RequestMessage(models.Model):
    """Correspondence with the customer; internal notes are kept apart (``InternalNote``)."""

    class Direction(models.TextChoices):
        OUTGOING = "out", _("Sent to the customer")
        INCOMING = "in", _("Received from the customer")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.OUTGOING
    )
    template = models.CharField(_("template"), max_length=40, blank=True)
    recipient = EmailAddressField(_("recipient"), blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("correspondence")
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["request", "sent_at"], name="requestmessage_request_at")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {timezone.localtime(self.sent_at):%Y-%m-%d %H:%M}"


class IdentityEvidenceEntry(models.Model):
    """Evidence of the requester's identity that a staff member saw (GDPR Art. 12(6)); never edited."""

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="identity_evidence", verbose_name=_("request")
    )
    kind = models.CharField(_("evidence"), max_length=20, choices=Request.VerificationMethod.choices)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_(
            'What was seen, e.g. "signed letter of 3 May, filed". Do not copy identity document numbers '
            "here (GDPR Recital 64)."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("identity evidence")
        verbose_name_plural = _("identity evidence")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class InternalNote(models.Model):
    """A note staff write about a request; it is never emailed, but it is the customer's personal data.

    A note about a person is that person's personal data (GDPR Art. 15; CJEU C-434/16 *Nowak*): it
    appears word for word in their access report, unless staff withhold it on the report's review
    page because it would adversely affect the rights of others (Art. 15(4)), with a recorded reason.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(
        _("text"),
        help_text=_(
            "The customer can read this note: it is part of their access report (GDPR Art. 15). "
            "Write only what you would show them."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="internalnote_request_at")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class ReminderLog(models.Model):
    """One row per request and day a deadline reminder went out, so reruns send no duplicates."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="reminders")
    date = models.DateField(_("date"))
    recipient = models.CharField(_("recipient"), max_length=500)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["request", "date"], name="reminderlog_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.date}"
