"""What the register runs: purge runs and their results, and the outgoing-message queue."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    pass


from register.models.parts import RetentionKey


class PurgeRun(models.Model):
    """One run of ``manage.py purge_expired``: the report staff read in the admin."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Finished with errors")
        INTERRUPTED = "interrupted", _("Interrupted")

    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(
        _("dry run"), default=False, help_text=_("A dry run only counts; it changes no data.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    host = models.CharField(_("host"), max_length=200, blank=True)
    command = models.CharField(
        _("command"), max_length=500, blank=True, help_text=_("The command line that started the run.")
    )
    batch_size = models.PositiveIntegerField(_("batch size"), default=1000)

    class Meta:
        verbose_name = _("purge run")
        verbose_name_plural = _("purge runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return gettext("Purge run %(number)s") % {"number": self.pk}

    def finish(self) -> None:
        """Close the run: finished with errors when any rule or any row failed, succeeded otherwise."""
        failed = self.results.filter(Q(status=PurgeRuleResult.Status.FAILED) | Q(failed__gt=0)).exists()
        self.status = self.Status.FAILED if failed else self.Status.SUCCEEDED
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "finished_at"])


class PurgeRuleResult(models.Model):
    """What one retention rule did (or, in a dry run, would do) in one run."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(PurgeRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run"))
    rule = models.CharField(_("rule"), max_length=30, choices=RetentionKey.choices)
    period = models.CharField(
        _("period"), max_length=200, blank=True, help_text=_("The retention period applied, as configured.")
    )
    # The period as values, worded when shown in the reader's language (``period_text``); results
    # written before it was kept have only the sentence in ``period``.
    period_values = models.JSONField(_("period as values"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveBigIntegerField(
        _("rows"), default=0, help_text=_("Rows anonymised, minimised or deleted (in a dry run: would be).")
    )
    counts = models.JSONField(_("counts per table"), default=dict, blank=True)
    oldest = models.DateTimeField(_("oldest date concerned"), null=True, blank=True)
    failed = models.PositiveIntegerField(
        _("rows failed"),
        default=0,
        help_text=_("Rows left as they were because processing them failed; the other rows were processed."),
    )
    failed_ids = models.JSONField(
        _("ids of failed rows"),
        default=list,
        blank=True,
        help_text=_("The first ids of the rows that failed (ids only, never their data); see the log."),
    )
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rule result")
        verbose_name_plural = _("rule results")
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "rule"], name="purge_result_rule_once_per_run")]

    def __str__(self) -> str:
        return self.get_rule_display()

    def period_text(self) -> str:
        """The period applied, in the active language."""
        from register.retention_text import period_sentence

        values = self.period_values or {}
        try:
            return period_sentence(values["amount"], values["unit"], values["counts_from"])
        except (KeyError, TypeError, ValueError):
            return self.period


# --- Outgoing messages ---


class OutboxQuerySet(models.QuerySet):
    @staticmethod
    def due_q(now: datetime) -> Q:
        """Queued, due, and not claimed by a live worker."""
        return (
            Q(status=OutboxMessage.Status.QUEUED)
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        )

    def due(self, now: datetime | None = None) -> OutboxQuerySet:
        return self.filter(self.due_q(now or timezone.now()))

    def failed(self) -> OutboxQuerySet:
        return self.filter(status=OutboxMessage.Status.FAILED)


class OutboxMessage(models.Model):
    """One email or webhook on the durable queue (``register.outbox``), and what became of it."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed: not delivered")
        CANCELLED = "cancelled", _("Cancelled, not sent")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    target = models.TextField(
        _("recipient"), blank=True, help_text=_("Email addresses (one per line) or the webhook URL.")
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML version"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    reference = models.CharField(
        _("about"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("What the message is about, e.g. a request."),
    )
    deliverer = models.CharField(_("deliverer"), max_length=200, blank=True, editable=False)
    notify = models.CharField(_("on outcome"), max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        permissions = [("resend_outboxmessage", _("Can send failed messages again"))]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next"),
        ]

    def __str__(self) -> str:
        return self.subject or gettext("Message %(number)s") % {"number": self.pk}

    def recipients(self) -> list[str]:
        return [line.strip() for line in self.target.splitlines() if line.strip()]
