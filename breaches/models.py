"""The register of personal-data breaches (GDPR Art. 33(5)) and the notifications they lead to.

Every breach is documented, notified or not: the facts, its effects and the remedial action.
A record is never deleted, not even by a superuser; its history is kept with
django-simple-history. Notifying the supervisory authority may happen in stages (Art. 33(4)):
an initial notification, then supplementary ones, each a ``BreachNotification``. Telling the
people concerned (Art. 34) is one ``BreachNotice`` per customer, sent once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# GDPR Art. 33(1): notify "where feasible, not later than 72 hours after having become aware of it".
NOTIFY_WITHIN = timedelta(hours=72)


class NeverDeleted(ValidationError):
    """A breach record, or a notification of one, was about to be deleted."""


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise NeverDeleted(gettext("Breach records are never deleted (GDPR Art. 33(5))."))


class BreachQuerySet(NoDeleteQuerySet):
    def open(self) -> BreachQuerySet:
        """Breaches not closed."""
        return self.filter(closed_at__isnull=True)

    def awaiting_notification(self) -> BreachQuerySet:
        """Breaches the authority has not been told of, with no decision not to tell it."""
        return self.exclude(risk=Breach.Risk.NO_RISK).filter(
            authority_not_notified_reason="", notifications__isnull=True
        )


class Breach(models.Model):
    class Risk(models.TextChoices):
        UNASSESSED = "unassessed", _("Not yet assessed")
        NO_RISK = "no_risk", _("Unlikely to result in a risk")
        RISK = "risk", _("Risk to people's rights and freedoms")
        HIGH_RISK = "high_risk", _("High risk to people's rights and freedoms")

    title = models.CharField(
        _("title"), max_length=200, help_text=_("A short name for the breach, without personal data.")
    )
    occurred_from = models.DateTimeField(_("happened from"), null=True, blank=True)
    occurred_to = models.DateTimeField(_("happened until"), null=True, blank=True)
    occurred_unknown = models.BooleanField(
        _("time of the breach unknown"),
        default=False,
        help_text=_("Tick when it is not known when it happened."),
    )
    aware_at = models.DateTimeField(
        _("became aware at"),
        help_text=_(
            "When the shop became aware of the breach: the 72-hour clock of GDPR Art. 33(1) starts here."
        ),
    )
    description = models.TextField(_("what happened"), blank=True)
    data_categories = models.TextField(_("categories of personal data"), blank=True)
    subject_categories = models.TextField(_("categories of data subjects"), blank=True)
    approx_subjects = models.PositiveIntegerField(_("approximate number of people"), null=True, blank=True)
    approx_records = models.PositiveIntegerField(_("approximate number of records"), null=True, blank=True)
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    measures_proposed = models.TextField(_("measures proposed"), blank=True)
    dpo_contact = models.TextField(
        _("contact point"), blank=True, help_text=_("The data-protection officer or other contact point.")
    )
    risk = models.CharField(_("risk"), max_length=12, choices=Risk.choices, default=Risk.UNASSESSED)
    risk_reasoning = models.TextField(_("reasoning of the risk assessment"), blank=True)
    authority_not_notified_reason = models.TextField(
        _("why the authority is not notified"),
        blank=True,
        help_text=_("Fill in when the breach is unlikely to result in a risk and is therefore not notified."),
    )
    subjects_notified_at = models.DateTimeField(
        _("data subjects notified at"),
        null=True,
        blank=True,
        help_text=_("Set when the first notice to the people concerned was sent (GDPR Art. 34)."),
    )
    subjects_not_notified_reason = models.TextField(
        _("why the data subjects are not notified"),
        blank=True,
        help_text=_(
            "E.g. the data were encrypted, the risk is no longer likely, or a public communication was made "
            "instead (GDPR Art. 34(3))."
        ),
    )
    notice_sv = models.TextField(_("notice to customers (Swedish)"), blank=True)
    notice_fi = models.TextField(_("notice to customers (Finnish)"), blank=True)
    notice_nb = models.TextField(_("notice to customers (Norwegian)"), blank=True)
    notice_en = models.TextField(_("notice to customers (English)"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = BreachQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("personal-data breaches")
        ordering = ["-aware_at", "-id"]
        permissions = [
            ("view_dashboard", _("Can see the data-protection dashboard")),
            ("export_audit", _("Can export requests and the consent ledger for an audit")),
            ("notify_subjects", _("Can send breach notices to customers (GDPR Art. 34)")),
        ]
        indexes = [models.Index(fields=["closed_at", "aware_at"], name="breach_open_aware")]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_from__isnull=True)
                | Q(occurred_to__isnull=True)
                | Q(occurred_to__gte=models.F("occurred_from")),
                name="breach_occurred_in_order",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Breach %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("admin:breaches_breach_change", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise NeverDeleted(gettext("Breach records are never deleted (GDPR Art. 33(5))."))

    def clean(self) -> None:
        if self.risk == self.Risk.NO_RISK and not self.risk_reasoning.strip():
            raise ValidationError(
                {"risk_reasoning": _("Explain why the breach is unlikely to result in a risk.")}
            )

    @property
    def number(self) -> str:
        return f"B-{self.pk}" if self.pk else "B-?"

    @property
    def deadline(self) -> datetime:
        """The moment 72 hours after awareness (GDPR Art. 33(1)): elapsed hours, whatever the clocks do.

        Computed in UTC: Python adds a timedelta to an aware datetime on its wall clock, so a time in
        Europe/Helsinki plus 72 hours across a DST change would be an hour off.
        """
        return self.aware_at.astimezone(UTC) + NOTIFY_WITHIN

    def initial_notification(self) -> BreachNotification | None:
        # Read through all(): a list that prefetched the notifications asks nothing more.
        initial = BreachNotification.Stage.INITIAL
        return next((n for n in self.notifications.all() if n.stage == initial), None)

    @property
    def authority_notified_at(self) -> datetime | None:
        initial = self.initial_notification()
        return initial.notified_at if initial else None

    @property
    def clock_running(self) -> bool:
        """Whether the 72-hour clock still concerns this breach (not notified, not decided otherwise)."""
        if self.risk == self.Risk.NO_RISK or self.authority_not_notified_reason:
            return False
        return self.authority_notified_at is None

    def hours_left(self, now: datetime | None = None) -> float:
        """Hours until the 72-hour deadline; negative once it has passed."""
        return (self.deadline - (now or timezone.now()).astimezone(UTC)).total_seconds() / 3600

    def notice_in(self, language: str) -> str:
        return getattr(self, f"notice_{language}", "") or ""

    def record_notification(
        self,
        *,
        stage: str,
        notified_at: datetime,
        reference: str = "",
        summary: str = "",
        delay_reasons: str = "",
        by=None,
    ) -> BreachNotification:
        """Record one stage of notifying the supervisory authority (GDPR Art. 33(1), 33(4)).

        The breach row is locked, so two staff members cannot both record the initial
        notification. A supplementary stage needs an initial one; an initial notification more
        than 72 hours after awareness needs the reasons for the delay.
        """
        with transaction.atomic():
            breach = Breach.objects.select_for_update().get(pk=self.pk)
            notification = BreachNotification(
                breach=breach,
                stage=stage,
                notified_at=notified_at,
                reference=reference,
                summary=summary,
                delay_reasons=delay_reasons,
                recorded_by=by,
            )
            notification.full_clean()
            notification.save()
        return notification


class BreachNotification(models.Model):
    """One stage of the notification to the supervisory authority; recorded once, never changed."""

    class Stage(models.TextChoices):
        INITIAL = "initial", _("Initial notification")
        SUPPLEMENTARY = "supplementary", _("Supplementary notification")

    breach = models.ForeignKey(
        Breach, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("breach")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    notified_at = models.DateTimeField(_("notified at"), default=timezone.now)
    reference = models.CharField(
        _("authority's reference"),
        max_length=100,
        blank=True,
        help_text=_("The case number the authority gave."),
    )
    summary = models.TextField(_("what was sent"), blank=True)
    delay_reasons = models.TextField(
        _("reasons for the delay"),
        blank=True,
        help_text=_("Required when the initial notification is made more than 72 hours after awareness."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification to the authority")
        verbose_name_plural = _("notifications to the authority")
        ordering = ["notified_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["breach"], condition=Q(stage="initial"), name="breach_one_initial_notification"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.notified_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        # What was told to the authority is evidence; a correction is a further stage.
        if not self._state.adding:
            raise ValidationError(_("A notification is recorded once; record a supplementary one instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise NeverDeleted(gettext("Breach records are never deleted (GDPR Art. 33(5))."))

    def clean(self) -> None:
        if self.breach_id is None or self.notified_at is None:
            return
        breach = self.breach
        initial = breach.notifications.filter(stage=self.Stage.INITIAL).exclude(pk=self.pk).first()
        if self.stage == self.Stage.INITIAL:
            if initial is not None:
                raise ValidationError({"stage": _("The initial notification is already recorded.")})
            if self.notified_at > breach.deadline and not self.delay_reasons.strip():
                raise ValidationError(
                    {
                        "delay_reasons": _(
                            "The notification is made more than 72 hours after the shop became aware of the "
                            "breach: give the reasons for the delay (GDPR Art. 33(1))."
                        )
                    }
                )
        elif initial is None:
            raise ValidationError({"stage": _("Record the initial notification first.")})
        elif self.notified_at < initial.notified_at:
            raise ValidationError({"notified_at": _("A supplementary notification follows the initial one.")})


class BreachNotice(models.Model):
    """The Art. 34 notice of one breach to one customer: recorded once, when it was queued, or when staff
    record that they told a customer without an email address another way."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        OTHER = "other", _("Another way (a letter, a call)")

    breach = models.ForeignKey(
        Breach, on_delete=models.PROTECT, related_name="notices", verbose_name=_("breach")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="breach_notices",
        verbose_name=_("customer"),
    )
    language = models.CharField(_("language"), max_length=2)
    channel = models.CharField(_("told by"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice to a customer")
        verbose_name_plural = _("notices to customers")
        ordering = ["breach", "id"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "customer"], name="breach_notice_once_per_customer")
        ]

    def __str__(self) -> str:
        return f"{self.breach.number} → {self.customer_id}"

    def delete(self, *args, **kwargs):
        raise NeverDeleted(gettext("Breach records are never deleted (GDPR Art. 33(5))."))


class BreachReminder(models.Model):
    """That the staff were reminded of a breach's 72-hour clock on a day (at most once a day)."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="reminders")
    date = models.DateField(_("date"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("breach reminder")
        verbose_name_plural = _("breach reminders")
        constraints = [models.UniqueConstraint(fields=["breach", "date"], name="breach_reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.breach.number} {self.date}"
