"""Bookkeeping periods and statutory holds: how long the law keeps records (docs/legal.md)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    pass


from register.models.description import Country
from register.models.parts import PeriodUnit


class CountsFromBookkeeping(models.TextChoices):
    END_OF_FINANCIAL_YEAR = "end_of_financial_year", _("end of the financial year")
    END_OF_CALENDAR_YEAR = (
        "end_of_calendar_year",
        _("end of the calendar year in which the financial year ended"),
    )
    ISSUE_DATE = "issue_date", _("issue date")


class RecordKind(models.TextChoices):
    VOUCHER = "voucher", _("Voucher")
    LEDGER = "ledger", _("Ledger and financial statements")
    PRIMARY = "primary", _("Primary documentation")
    SECONDARY = "secondary", _("Secondary documentation")
    INVOICE = "invoice", _("Invoice")


class BookkeepingPeriod(models.Model):
    """How long bookkeeping law keeps a kind of record; limits erasure (GDPR Art. 17(3)(b))."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    kind = models.CharField(_("record kind"), max_length=20, choices=RecordKind.choices)
    years = models.DecimalField(
        _("years"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    counts_from = models.CharField(_("counts from"), max_length=30, choices=CountsFromBookkeeping.choices)
    statute = models.CharField(_("statute"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bookkeeping period")
        verbose_name_plural = _("bookkeeping periods")
        ordering = ["country", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["country", "kind"], name="bookkeeping_period_once"),
            models.CheckConstraint(condition=Q(years__gt=0), name="bookkeeping_years_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_country_display()}: {self.get_kind_display()}"


class HoldKind(models.TextChoices):
    """Why a statute keeps records after an erasure request (GDPR Art. 17(3)(b), (e))."""

    CONSUMER_COMPLAINT = "consumer_complaint", _("Consumer complaints and claims")
    LIMITATION = "limitation", _("General limitation period for claims")
    DEBT_COLLECTION = "debt_collection", _("Debt collection of an unpaid invoice")
    OTHER = "other", _("Other statutory obligation")

    def reason(self) -> str:
        """Why a record under a hold of this kind is kept, for staff and customers, in the active language."""
        reasons = {
            self.CONSUMER_COMPLAINT: _(
                "The customer may still complain or make a claim under consumer law; the record is kept "
                "until that period ends."
            ),
            self.LIMITATION: _(
                "A claim about the purchase is not yet time-barred; the record is kept until it is."
            ),
            self.DEBT_COLLECTION: _(
                "The invoice is unpaid and in debt collection; the record is kept until it is paid."
            ),
            self.OTHER: _("A statute requires keeping this record."),
        }
        return str(reasons[self])


class HeldRecord(models.TextChoices):
    """The kinds of record a statutory hold can keep."""

    ORDERS = "orders", _("orders")
    ORDER_LINES = "order_lines", _("order lines")
    INVOICES = "invoices", _("invoices")
    PAYMENTS = "payments", _("payments")
    RETURNS = "returns", _("returns")


class HoldEvent(models.TextChoices):
    """The event a statutory hold's period counts from; an order's records count from the order's event."""

    DELIVERY = "delivery", _("delivery")
    PURCHASE = "purchase", _("purchase (order date)")
    INVOICE_ISSUE = "invoice_issue", _("invoice issue date")
    INVOICE_DUE = "invoice_due", _("invoice due date")
    RETURN = "return", _("return")


class HoldCondition(models.TextChoices):
    ALWAYS = "always", _("every order")
    UNPAID_IN_COLLECTION = (
        "unpaid_in_collection",
        _("only orders with an unpaid invoice in debt collection, until it is paid"),
    )


class StatutoryHoldQuerySet(models.QuerySet):
    def in_force(self) -> StatutoryHoldQuerySet:
        return self.filter(is_active=True)

    def for_country(self, country: str) -> StatutoryHoldQuerySet:
        """The holds of ``country`` and those of every country."""
        return self.filter(Q(country=country) | Q(country=""))

    def for_countries(self, countries: list[str]) -> StatutoryHoldQuerySet:
        return self.filter(Q(country__in=countries) | Q(country=""))


class StatutoryHold(models.Model):
    """A statute, other than bookkeeping law, that keeps some records after an erasure request.

    Like ``BookkeepingPeriod`` it is data the DPO keeps (GDPR Art. 17(3)(b), (e); docs/legal.md,
    "Other statutory holds"): which records of an order it keeps, from which event and for how long,
    or while a condition lasts. Erasure keeps the covered records (without direct identifiers unless
    the hold says otherwise) until the latest end of every hold that applies, and the retention job
    deletes no order still under one.
    """

    country = models.CharField(
        _("country"),
        max_length=2,
        choices=Country.choices,
        blank=True,
        help_text=_("The country whose law this is; empty: it applies in every country."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=HoldKind.choices)
    statute = models.CharField(
        _("statute"), max_length=200, help_text=_("Name and section, as shown to customers.")
    )
    records = models.JSONField(
        _("records kept"), default=list, help_text=_("Which records of an order the statute keeps.")
    )
    counts_from = models.CharField(_("counts from"), max_length=20, choices=HoldEvent.choices)
    period_amount = models.PositiveIntegerField(
        _("period"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: as long as the condition lasts (e.g. until the invoice is paid)."),
    )
    period_unit = models.CharField(
        _("unit"),
        max_length=10,
        choices=[(PeriodUnit.YEARS, PeriodUnit.YEARS.label), (PeriodUnit.MONTHS, PeriodUnit.MONTHS.label)],
        default=PeriodUnit.YEARS,
    )
    condition = models.CharField(
        _("applies to"), max_length=30, choices=HoldCondition.choices, default=HoldCondition.ALWAYS
    )
    keeps_identifiers = models.BooleanField(
        _("keeps names and addresses"),
        default=False,
        help_text=_(
            "Tick when the records must stay as they are (e.g. to collect a debt); otherwise they are "
            "kept without direct identifiers."
        ),
    )
    is_active = models.BooleanField(
        _("in force for this shop"),
        default=True,
        help_text=_("Untick a hold that does not concern the shop (e.g. the durable-goods period)."),
    )
    needs_review = models.BooleanField(
        _("check with your DPO"),
        default=True,
        help_text=_(
            "A defensible default, not legal advice: untick once your data-protection officer agreed."
        ),
    )
    note = models.TextField(
        _("staff note"), blank=True, help_text=_("Source and reasoning; never shown to customers.")
    )

    history = HistoricalRecords()
    objects = StatutoryHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("statutory hold")
        verbose_name_plural = _("statutory holds")
        ordering = ["country", "kind", "period_amount", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_amount__isnull=True) | Q(period_amount__gte=1),
                name="statutory_hold_period_positive",
            ),
            models.CheckConstraint(
                condition=Q(period_amount__isnull=False) | ~Q(condition=HoldCondition.ALWAYS),
                name="statutory_hold_period_or_condition",
            ),
            models.CheckConstraint(
                condition=Q(period_unit__in=[PeriodUnit.YEARS, PeriodUnit.MONTHS]),
                name="statutory_hold_unit_valid",
            ),
        ]

    def __str__(self) -> str:
        country = self.get_country_display() if self.country else gettext("Every country")
        return f"{country}: {self.get_kind_display()} ({self.statute})"

    def clean(self) -> None:
        records = self.records if isinstance(self.records, list) else []
        if not records or any(record not in HeldRecord.values for record in records):
            raise ValidationError({"records": _("Choose at least one kind of record.")})
        if self.period_amount is None and self.condition == HoldCondition.ALWAYS:
            raise ValidationError(
                {"period_amount": _("A hold on every order needs a period; only a condition may end it.")}
            )

    def end_for(self, event: date | None) -> date | None:
        """The last day the hold keeps records whose order's event was on ``event`` (None: open-ended)."""
        if self.period_amount is None or event is None:
            return None
        return add_period(event, self.period_amount, self.period_unit)

    def records_text(self) -> str:
        """The kinds of record kept, in the active language."""
        labels = dict(HeldRecord.choices)
        return ", ".join(str(labels[r]) for r in HeldRecord.values if r in self.records)

    def period_text(self) -> str:
        """The period as a whole sentence fragment in the active language, e.g. "3 years from delivery"."""
        if self.period_amount is None:
            return gettext("until the invoice is paid")
        text = period_sentence(self.period_amount, self.period_unit, self.counts_from)
        if self.condition == HoldCondition.UNPAID_IN_COLLECTION:
            return gettext("until the invoice is paid, at most %(period)s") % {"period": text}
        return text


def add_period(day: date, amount: int, unit: str) -> date:
    """``day`` plus ``amount`` days, months or years; a day the month lacks becomes its last (31 January
    plus a month is 28 or 29 February, 29 February plus a year 28 February), as ``relativedelta``
    counts, without its cost (an erasure computes thousands of ends)."""
    if unit == PeriodUnit.DAYS:
        return day + timedelta(days=amount)
    months = amount * 12 if unit == PeriodUnit.YEARS else amount
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_sentence(amount: int, unit: str, event: str) -> str:
    """ "3 years from delivery" in the active language: one whole phrase per unit and event.

    Each language builds these phrases differently (Finnish inflects the event), so no event name is
    inserted into a shared template.
    """
    years = unit == PeriodUnit.YEARS
    phrases = {
        HoldEvent.DELIVERY: (
            ngettext("%(count)d year from delivery", "%(count)d years from delivery", amount)
            if years
            else ngettext("%(count)d month from delivery", "%(count)d months from delivery", amount)
        ),
        HoldEvent.PURCHASE: (
            ngettext("%(count)d year from the purchase", "%(count)d years from the purchase", amount)
            if years
            else ngettext("%(count)d month from the purchase", "%(count)d months from the purchase", amount)
        ),
        HoldEvent.INVOICE_ISSUE: (
            ngettext("%(count)d year from the invoice date", "%(count)d years from the invoice date", amount)
            if years
            else ngettext(
                "%(count)d month from the invoice date", "%(count)d months from the invoice date", amount
            )
        ),
        HoldEvent.INVOICE_DUE: (
            ngettext("%(count)d year from the due date", "%(count)d years from the due date", amount)
            if years
            else ngettext("%(count)d month from the due date", "%(count)d months from the due date", amount)
        ),
        HoldEvent.RETURN: (
            ngettext("%(count)d year from the return", "%(count)d years from the return", amount)
            if years
            else ngettext("%(count)d month from the return", "%(count)d months from the return", amount)
        ),
    }
    return phrases[HoldEvent(event)] % {"count": amount}
