"""Telling the people concerned of a breach (GDPR Art. 34).

The data-protection officer selects the affected customers (those with orders in a date range,
or a list of customer numbers), previews the notice in each customer's language, and sends it.
Each customer's email is queued through the outgoing-message queue in the same transaction as
the ``BreachNotice`` row that records it, and a customer already told is never told twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from breaches.models import Breach, BreachNotice
from customers.models import Customer, Order
from requests import notice
from requests.emails import render_email, send_email

TEMPLATE = "breach_notice"
BATCH = 500


def parse_customer_numbers(text: str) -> list[str]:
    """The customer numbers in ``text``: one per line, or separated by commas, semicolons or spaces."""
    for separator in ",;\t":
        text = text.replace(separator, " ")
    seen: dict[str, None] = {}
    for token in text.split():
        seen.setdefault(token.strip().strip('"'), None)
    return [number for number in seen if number]


def select_customers(
    *, ordered_from: date | None = None, ordered_to: date | None = None, numbers: Iterable[str] = ()
) -> QuerySet[Customer]:
    """Customers not erased who ordered in the date range (local dates, inclusive) or are listed."""
    customers = Customer.objects.not_erased()
    numbers = list(numbers)
    if numbers:
        return customers.filter(customer_number__in=numbers)
    zone = timezone.get_current_timezone()
    orders = Order.objects.filter(customer=OuterRef("pk"))
    if ordered_from:
        orders = orders.filter(placed_at__gte=datetime.combine(ordered_from, time.min, zone))
    if ordered_to:
        orders = orders.filter(placed_at__lte=datetime.combine(ordered_to, time.max, zone))
    return customers.filter(Exists(orders))


def context_for(breach: Breach, language: str) -> dict:
    with translation.override(language):
        return {
            "breach": breach,
            "text": breach.notice_in(language),
            "contact": breach.dpo_contact,
            "controller": notice.controller(),
            "authority": notice.supervisory_authority(language),
        }


def preview(breach: Breach, customers: QuerySet[Customer]) -> list[dict]:
    """Per language of the selection: how many customers, how many already told, and the email."""
    already = BreachNotice.objects.filter(breach=breach, customer=OuterRef("pk"))
    counts: dict[str, dict] = {}
    for language, told in customers.annotate(told=Exists(already)).values_list("language", "told"):
        entry = counts.setdefault(language, {"total": 0, "told": 0})
        entry["total"] += 1
        entry["told"] += int(told)
    result = []
    for language in [code for code in settings.LANGUAGE_CODES if code in counts]:
        subject, body, _html = render_email(TEMPLATE, language, context_for(breach, language))
        result.append(
            {
                "language": language,
                "total": counts[language]["total"],
                "told": counts[language]["told"],
                "missing_text": not breach.notice_in(language).strip(),
                "subject": subject,
                "body": body,
            }
        )
    return result


# Customer numbers of the customers without an email address that the page lists, at most.
UNREACHABLE_SHOWN = 500


def without_email(breach: Breach, customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """The selected customers not yet told whom the notice cannot reach: they have no email address.

    ``send_notices`` passes them by; the data-protection officer tells them another way (a letter, a
    call; then ``record_told_otherwise``) or by a public communication (GDPR Art. 34(3)(c)).
    """
    already = BreachNotice.objects.filter(breach=breach, customer=OuterRef("pk"))
    return customers.filter(email="").filter(~Exists(already)).order_by("customer_number", "pk")


class NoticeTextMissing(ValueError):
    """The notice text is empty in a language some selected customers read."""


def send_notices(breach: Breach, customers: QuerySet[Customer], *, by=None) -> int:
    """Queue the notice to every selected customer not yet told; return how many were queued.

    A customer without an email address is passed by (``without_email`` names them).

    Batches of customers are sent in one transaction each: the ``BreachNotice`` rows and the
    queued emails are committed together, and a customer with a row is skipped, so running it
    again (or twice at once: the unique row decides) tells no one twice.
    """
    languages = set(customers.values_list("language", flat=True).distinct())
    missing = [code for code in languages if not breach.notice_in(code).strip()]
    if missing:
        raise NoticeTextMissing(", ".join(sorted(missing)))
    contexts = {code: context_for(breach, code) for code in languages}
    already = BreachNotice.objects.filter(breach=breach, customer=OuterRef("pk"))
    pending = customers.exclude(email="").filter(~Exists(already))

    def tell(customers: list[Customer], now: datetime) -> None:
        for customer in customers:
            BreachNotice.objects.create(
                breach=breach, customer=customer, language=customer.language, sent_at=now, sent_by=by
            )
            send_email(
                TEMPLATE,
                to=[customer.email],
                language=customer.language,
                context=contexts[customer.language],
                about=breach,
            )

    return _in_batches(breach, pending, tell)


def record_told_otherwise(breach: Breach, customers: QuerySet[Customer], *, by=None) -> int:
    """Record that the selected customers without an email address were told another way (a letter, a
    call); return how many were recorded. In batches, like ``send_notices``: each customer is recorded once.
    """

    def record(customers: list[Customer], now: datetime) -> None:
        BreachNotice.objects.bulk_create(
            BreachNotice(
                breach=breach,
                customer=customer,
                language=customer.language,
                channel=BreachNotice.Channel.OTHER,
                sent_at=now,
                sent_by=by,
            )
            for customer in customers
        )

    return _in_batches(breach, without_email(breach, customers), record)


def _in_batches(
    breach: Breach, pending: QuerySet[Customer], tell: Callable[[list[Customer], datetime], None]
) -> int:
    """Tell the ``pending`` customers not yet told of ``breach`` (``tell(customers, now)`` writes their
    notices), a batch at a time; return how many were told.

    Each batch is one transaction with the breach's row locked, and the customers told meanwhile (another
    run, or two at once) are left out, so no one is told twice. The first batch sets when the data subjects
    were first told.
    """
    pending = pending.order_by("pk")
    told = 0
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last).only("pk", "email", "language")[:BATCH])
        if not batch:
            return told
        last = batch[-1].pk
        with transaction.atomic():
            Breach.objects.select_for_update().filter(pk=breach.pk).exists()
            done = set(
                BreachNotice.objects.filter(breach=breach, customer__in=batch).values_list(
                    "customer_id", flat=True
                )
            )
            untold = [customer for customer in batch if customer.pk not in done]
            if untold:
                now = timezone.now()
                tell(untold, now)
                _mark_notified(breach, now)
                told += len(untold)


def _mark_notified(breach: Breach, now: datetime) -> None:
    """Set when the data subjects were first told, unless it is set (call with the breach's row locked)."""
    if Breach.objects.filter(pk=breach.pk, subjects_notified_at__isnull=True).exists():
        breach.subjects_notified_at = now
        breach.save(update_fields=["subjects_notified_at"])


class SelectionForm(forms.Form):
    """Who is concerned: customers with orders in a date range, or a list of customer numbers."""

    ordered_from = forms.DateField(
        label=_("orders placed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ordered_to = forms.DateField(
        label=_("orders placed until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    customer_numbers = forms.CharField(
        label=_("customer numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, or separated by commas. Instead of the date range."),
    )
    numbers_file = forms.FileField(
        label=_("or a file of customer numbers"),
        required=False,
        help_text=_("A text or CSV file with one customer number per line."),
    )

    MAX_FILE_BYTES = 5_000_000

    def clean(self):
        data = super().clean()
        upload = data.get("numbers_file")
        if upload is not None:
            if upload.size > self.MAX_FILE_BYTES:
                raise forms.ValidationError(_("The file is too large."))
            try:
                data["customer_numbers"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        if not (
            data.get("customer_numbers", "").strip() or data.get("ordered_from") or data.get("ordered_to")
        ):
            raise forms.ValidationError(_("Give a date range of orders or a list of customer numbers."))
        start, end = data.get("ordered_from"), data.get("ordered_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The range ends before it starts."))
        return data

    def numbers(self) -> list[str]:
        return parse_customer_numbers(self.cleaned_data.get("customer_numbers", ""))

    def customers(self) -> QuerySet[Customer]:
        return select_customers(
            ordered_from=self.cleaned_data.get("ordered_from"),
            ordered_to=self.cleaned_data.get("ordered_to"),
            numbers=self.numbers(),
        )
