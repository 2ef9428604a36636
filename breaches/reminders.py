"""Reminders of the 72-hour clock (GDPR Art. 33(1)), sent by ``manage.py remind_deadlines``.

A breach whose authority notification is still due, with less than 24 hours left or overdue, is
reminded to the data-protection contacts at most once a day. The email names the breach number,
its title and the deadline: the title is written without personal data.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from breaches.models import Breach, BreachReminder
from register import outbox
from requests.management.commands.remind_deadlines import data_protection_contacts

REMIND_HOURS_BEFORE = 24


def breaches_to_remind(now=None) -> list[Breach]:
    """Open breaches awaiting notification whose deadline is less than a day away or past."""
    now = now or timezone.now()
    limit = now + timedelta(hours=REMIND_HOURS_BEFORE) - timedelta(hours=72)
    return list(Breach.objects.awaiting_notification().open().filter(aware_at__lte=limit))


def remind_breaches(today: date) -> int:
    """Queue one email per breach due for a reminder today; return how many were queued."""
    recipients = data_protection_contacts()
    if not recipients:
        return 0
    queued = 0
    now = timezone.now()
    for breach in breaches_to_remind(now):
        try:
            with transaction.atomic():
                BreachReminder.objects.create(breach=breach, date=today)
                with translation.override(settings.LANGUAGE_CODE):
                    deadline = formats.date_format(timezone.localtime(breach.deadline), "DATETIME_FORMAT")
                    hours = breach.hours_left(now)
                    if hours < 0:
                        subject = gettext("Breach %(number)s: the 72-hour deadline has passed") % {
                            "number": breach.number
                        }
                    else:
                        subject = gettext(
                            "Breach %(number)s: %(hours)d hours left to notify the authority"
                        ) % {
                            "number": breach.number,
                            "hours": int(hours),
                        }
                    body = gettext(
                        "Breach %(number)s (%(title)s) has not been notified to the supervisory authority.\n"
                        "Deadline (72 hours after becoming aware, GDPR Art. 33(1)): %(deadline)s.\n"
                        "Record the notification, or why it is not made, in the breach register:\n%(url)s\n"
                    ) % {
                        "number": breach.number,
                        "title": breach.title,
                        "deadline": deadline,
                        "url": settings.SITE_URL + reverse("admin:breaches_breach_change", args=[breach.pk]),
                    }
                outbox.queue_email(
                    to=recipients,
                    subject=subject,
                    body=body,
                    reference=outbox.reference_for(breach),
                    language=settings.LANGUAGE_CODE,
                )
        except IntegrityError:
            continue  # reminded today already
        queued += 1
    return queued
