"""Email staff the requests that are due soon or overdue (GDPR Art. 12(3) deadlines).

Each assignee gets their own requests; unassigned requests (and those whose assignee has
no email address) go to the data-protection contact: the users in the "Data protection
officer" group, or else the contact email of the register. A request is reminded at most
once a day however often the command runs (``ReminderLog``). The email names only the
request number, kind and due date: no personal data.

Run it from cron, e.g. twice a day: ``0 7,13 * * * cd /srv/kundregister && .venv/bin/python
manage.py remind_deadlines --days 7``.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from register.reminders import reminders
from register.roles import DATA_PROTECTION_OFFICER
from requests import deadlines, notice
from requests.emails import send_email
from requests.models import ReminderLog, Request


def data_protection_contacts() -> list[str]:
    """Return where reminders for unassigned requests go."""
    emails = list(
        get_user_model()
        .objects.filter(groups__name=DATA_PROTECTION_OFFICER, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    if not emails:
        contact = notice.controller().get("email")
        emails = [contact] if contact else []
    return emails


class Command(BaseCommand):
    help = "Email assignees (and the data-protection contact) the requests due within N days or overdue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=deadlines.DUE_SOON_DAYS, help="Look-ahead in days (default 7)."
        )

    def handle(self, *args, days: int, **options) -> None:
        today = deadlines.today()
        due = (
            Request.objects.due_within(days, today)
            .exclude(reminders__date=today)
            .select_related("assignee")
            .order_by("due_date", "id")
        )
        groups: dict[tuple[str, ...], list[Request]] = defaultdict(list)
        fallback = tuple(data_protection_contacts())
        for req in due:
            recipients = (req.assignee.email,) if req.assignee and req.assignee.email else fallback
            groups[recipients].append(req)

        sent = reminded = 0
        for recipients, requests in groups.items():
            if not recipients:
                self.stderr.write(
                    f"No recipient for {len(requests)} request(s): add a user with an email address "
                    f"to the {DATA_PROTECTION_OFFICER!r} group."
                )
                continue
            try:
                with transaction.atomic():
                    # Record first: the unique (request, date) row is the once-a-day guarantee;
                    # the email is queued in the same transaction, so both happen or neither.
                    recipient = ", ".join(recipients)
                    ReminderLog.objects.bulk_create(
                        [ReminderLog(request=r, date=today, recipient=recipient) for r in requests]
                    )
                    self._send(list(recipients), requests, days, today)
            except IntegrityError:
                # Another run reminded these requests today.
                continue
            sent += 1
            reminded += len(requests)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Sent {sent} reminder email(s) about {reminded} request(s).")
        # The reminders of the apps above this one (the breach register's 72-hour clock).
        for reminder in reminders():
            queued = reminder(today)
            if options["verbosity"] >= 1 and queued:
                self.stdout.write(f"{reminder.__module__}: sent {queued} reminder email(s).")

    def _send(self, recipients: list[str], requests: list[Request], days: int, today) -> None:
        # Staff emails go out in the installation's default language.
        language = settings.LANGUAGE_CODE
        with translation.override(language):
            rows = [
                {
                    "number": r.number,
                    "kind": str(r.get_kind_display()),
                    "due": r.effective_due_date,
                    "overdue": r.effective_due_date < today,
                    "url": reverse("admin:requests_request_change", args=[r.pk]),
                }
                for r in requests
            ]
        send_email("reminder", to=recipients, language=language, context={"rows": rows, "days": days})
