"""The rest of the register description: cookies, protection principles, retention rules, rights channels
and identity rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from register.email_address import (
    validate_email_address,
)
from register.translation import Translated

if TYPE_CHECKING:
    pass


from register.models.description import DataCategory, Register, RegisterPart


class CookieCategory(models.TextChoices):
    NECESSARY = "necessary", _("Necessary")
    PREFERENCES = "preferences", _("Preferences")
    ANALYTICS = "analytics", _("Analytics")
    MARKETING = "marketing", _("Marketing")


class Cookie(RegisterPart):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="cookies", verbose_name=_("register description")
    )
    provider = models.CharField(_("provider"), max_length=200)
    name = models.CharField(_("cookie name"), max_length=200, blank=True)
    category = models.CharField(_("purpose category"), max_length=20, choices=CookieCategory.choices)
    purpose = Translated(models.TextField, _("purpose"))
    duration = Translated(models.CharField, _("duration"), max_length=100, required=False)
    third_country = models.CharField(
        _("third country"), max_length=2, blank=True, help_text=_("ISO code when data leaves the EU/EEA.")
    )
    info_url = models.URLField(_("provider's privacy information"), blank=True)

    class Meta(RegisterPart.Meta):
        verbose_name = _("cookie")
        verbose_name_plural = _("cookies")

    def __str__(self) -> str:
        return f"{self.provider} {self.name}".strip()


class ProtectionPrinciple(RegisterPart):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="protections", verbose_name=_("register description")
    )
    text = Translated(models.TextField, _("principle"))

    class Meta(RegisterPart.Meta):
        verbose_name = _("protection principle")
        verbose_name_plural = _("protection principles")

    def __str__(self) -> str:
        return self.text[:80]


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


class CountsFrom(models.TextChoices):
    END_OF_RELATIONSHIP = "end_of_relationship", _("end of the customer relationship")
    LAST_ACTIVITY = "last_activity", _("the customer's last activity")
    END_OF_FINANCIAL_YEAR = "end_of_financial_year", _("end of the financial year")
    END_OF_CALENDAR_YEAR = "end_of_calendar_year", _("end of the calendar year")
    REQUEST_RECEIVED = "request_received", _("receipt of the request")
    REQUEST_COMPLETED = "request_completed", _("completion of the request")
    CREATION = "creation", _("creation")


# Events that end something: a period of zero counted from one of them means "until then", e.g. "as
# long as the customer relationship lasts". From the other events zero would mean "not kept at all".
ZERO_PERIOD_EVENTS = (
    CountsFrom.END_OF_RELATIONSHIP,
    CountsFrom.END_OF_FINANCIAL_YEAR,
    CountsFrom.END_OF_CALENDAR_YEAR,
    CountsFrom.REQUEST_COMPLETED,
)


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", _("anonymise")
    DELETE = "delete", _("delete")


class RetentionKey(models.TextChoices):
    """The executable rules of ``purge_expired``: each key names code that applies the rule."""

    CUSTOMER_INACTIVE = "customer_inactive", _("Customers without activity")
    ORDER_BOOKKEEPING = "order_bookkeeping", _("Orders and bookkeeping records")
    UNVERIFIED_REQUEST = "unverified_request", _("Unverified requests")
    COMPLETED_REQUEST = "completed_request", _("Completed requests")
    ACCESS_REPORT = "access_report", _("Access reports")
    HISTORY_ROWS = "history_rows", _("History rows")
    ERASED_CONSENTS = "erased_consents", _("Consent events of erased customers")
    WEBHOOK_DELIVERIES = "webhook_deliveries", _("Log of webhooks received from the shop")


class RetentionRule(RegisterPart):
    register = models.ForeignKey(
        Register,
        on_delete=models.CASCADE,
        related_name="retention_rules",
        verbose_name=_("register description"),
    )
    categories = models.ManyToManyField(
        DataCategory,
        blank=True,
        related_name="retention_rules",
        verbose_name=_("data categories"),
        help_text=_("The data categories this rule covers; one rule may cover several."),
    )
    description = Translated(models.TextField, _("description"), required=False)
    period_amount = models.PositiveIntegerField(
        _("period"),
        help_text=_(
            "0 means until the event, e.g. 0 from the end of the customer relationship: as long as the "
            "customer relationship lasts."
        ),
    )
    period_unit = models.CharField(_("unit"), max_length=10, choices=PeriodUnit.choices)
    counts_from = models.CharField(_("counts from"), max_length=30, choices=CountsFrom.choices)
    action = models.CharField(
        _("then"), max_length=10, choices=RetentionAction.choices, default=RetentionAction.DELETE
    )
    rule = models.CharField(
        _("executable rule"),
        max_length=30,
        choices=RetentionKey.choices,
        blank=True,
        help_text=_("The retention job applies this rule with the period above."),
    )

    class Meta(RegisterPart.Meta):
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "rule"], condition=~Q(rule=""), name="retention_rule_key_once"
            ),
            models.CheckConstraint(
                condition=Q(period_amount__gte=1) | Q(counts_from__in=ZERO_PERIOD_EVENTS),
                name="retention_period_positive_or_until_event",
            ),
        ]

    def __str__(self) -> str:
        return self.period_sentence()

    def period_sentence(self) -> str:
        """How long, from which event, as one sentence in the active language."""
        from register.retention_text import period_sentence

        return period_sentence(self.period_amount, self.period_unit, self.counts_from)

    def sentence(self) -> str:
        """The whole rule as the notice states it, in the active language."""
        from register.retention_text import retention_sentence

        return retention_sentence(self.period_amount, self.period_unit, self.counts_from, self.action)

    def label(self, number: int | None = None) -> str:
        """A name staff can find the rule by: its categories, else its executable rule."""
        names = [str(category) for category in self.categories.all()] if self.pk else []
        if names:
            return gettext("Retention rule for %(categories)s") % {"categories": ", ".join(names)}
        if self.rule:
            return gettext("Retention rule “%(rule)s”") % {"rule": self.get_rule_display()}
        if number is not None:
            return gettext("Retention rule %(number)s") % {"number": number}
        return gettext("Retention rule")

    def event_error(self) -> str:
        """Why this rule's event does not fit its period or its executable rule ("" when it does)."""
        from register.retention import rules

        if self.period_amount == 0 and self.counts_from and self.counts_from not in ZERO_PERIOD_EVENTS:
            return gettext(
                "A period of 0 is possible only from an event that ends something (the end of the customer "
                "relationship, of the financial or calendar year, or completion of the request)."
            )
        executable = rules.get(self.rule)
        if executable is not None and self.counts_from and self.counts_from not in executable.events:
            labels = dict(CountsFrom.choices)
            return gettext("The executable rule “%(rule)s” counts from: %(events)s.") % {
                "rule": self.get_rule_display(),
                "events": ", ".join(str(labels[event]) for event in executable.events),
            }
        return ""

    def clean(self) -> None:
        if error := self.event_error():
            raise ValidationError({"counts_from": error})


class Right(models.TextChoices):
    ACCESS = "access", _("Access (GDPR Art. 15)")
    RECTIFICATION = "rectification", _("Rectification (GDPR Art. 16)")
    ERASURE = "erasure", _("Erasure (GDPR Art. 17)")
    RESTRICTION = "restriction", _("Restriction of processing (GDPR Art. 18)")
    PORTABILITY = "portability", _("Data portability (GDPR Art. 20)")
    OBJECTION = "objection", _("Objection, including to direct marketing (GDPR Art. 21)")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent (GDPR Art. 7(3))")


class Channel(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    OWN_ACCOUNT = "own_account", _("Own customer account")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link in messages")


class RightsChannel(RegisterPart):
    register = models.ForeignKey(
        Register,
        on_delete=models.CASCADE,
        related_name="rights_channels",
        verbose_name=_("register description"),
    )
    right = models.CharField(_("right"), max_length=20, choices=Right.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    value = models.CharField(
        _("address or number"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the email address or phone number."),
    )
    note = Translated(models.TextField, _("how"), required=False)

    class Meta(RegisterPart.Meta):
        verbose_name = _("rights channel")
        verbose_name_plural = _("rights channels")
        ordering = ["right", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_right_display()}: {self.get_channel_display()}"

    def clean(self) -> None:
        if self.channel == Channel.EMAIL and self.value:
            try:
                validate_email_address(self.value.strip())
            except ValidationError as error:
                raise ValidationError({"value": error}) from None


class IdentityEvidence(models.TextChoices):
    """Evidence of a requester's identity (GDPR Art. 12(6)); values match a request's verification methods."""

    EMAIL_LINK = "email_link", _("a confirmed email link")
    CUSTOMER_ACCOUNT = "customer_account", _("a request made while logged in to the shop account")
    SIGNED_DOCUMENT = "signed_document", _("a signed document")
    PERSONAL_VISIT = "personal_visit", _("a personal visit")
    OTHER = "other", _("other evidence, as the note says")


class IdentityRule(RegisterPart):
    """Which identity evidence suffices for one right: the notice says it, fulfilment waits for it.

    A right without a rule needs the usual verification only (the email link, or staff recording how
    identity was checked). The note tells the customer, in their language, what to send or where to
    come (required when "other" evidence is accepted).
    """

    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="identity_rules", verbose_name=_("register")
    )
    right = models.CharField(_("right"), max_length=20, choices=Right.choices)
    accepts_email_link = models.BooleanField(IdentityEvidence.EMAIL_LINK.label, default=False)
    accepts_customer_account = models.BooleanField(IdentityEvidence.CUSTOMER_ACCOUNT.label, default=False)
    accepts_signed_document = models.BooleanField(IdentityEvidence.SIGNED_DOCUMENT.label, default=False)
    accepts_personal_visit = models.BooleanField(IdentityEvidence.PERSONAL_VISIT.label, default=False)
    accepts_other = models.BooleanField(IdentityEvidence.OTHER.label, default=False)
    note = Translated(
        models.TextField,
        _("what to send or where to come"),
        required=False,
        help_text=_(
            "Shown to the customer with the request form's answer and in the notice, e.g. the postal "
            "address for a signed letter or the shop's opening hours."
        ),
    )

    class Meta(RegisterPart.Meta):
        verbose_name = _("identity rule")
        verbose_name_plural = _("identity rules")
        ordering = ["right", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "right"], name="identityrule_one_per_right"),
        ]

    def __str__(self) -> str:
        return str(self.get_right_display())

    def accepted(self) -> list[str]:
        """The evidence kinds that suffice, in ``IdentityEvidence`` order."""
        return [kind.value for kind in IdentityEvidence if getattr(self, f"accepts_{kind.value}")]

    def clean(self) -> None:
        if not self.accepted():
            raise ValidationError(_("Tick at least one kind of evidence that suffices."))
        if self.accepts_other and not any(self.texts("note").values()):
            raise ValidationError(_("Say in the note which other evidence suffices."))
