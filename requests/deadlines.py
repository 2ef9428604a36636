"""Deadlines for answering data-subject requests (GDPR Art. 12(3)).

Months are calendar months, not 30 days: a request received on 31 January is due on
28 (or 29) February. The receipt date is the local date in ``settings.TIME_ZONE``, so a
request received at 00:30 Helsinki time counts from that Helsinki day even though it is
still the previous day in UTC.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

# GDPR Art. 12(3): answer at the latest one month after receipt of the request.
ANSWER_WITHIN_MONTHS = 1
# GDPR Art. 12(3): the period may be extended by two further months where necessary,
# and the customer must be told of the extension, with reasons, within the first month.
MAX_EXTENSION_MONTHS = 2
# A request whose email address was never confirmed is dropped after this many days.
UNVERIFIED_EXPIRY_DAYS = 7
# The admin marks requests due within this many days as "due soon".
DUE_SOON_DAYS = 7


def add_months(d: date, n: int) -> date:
    """Return ``d`` plus ``n`` calendar months, clamped to the end of a shorter month."""
    return d + relativedelta(months=n)


def local_date(moment: datetime) -> date:
    """Return the calendar date of ``moment`` in the shop's time zone."""
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).date()


def today() -> date:
    """Return today's date in the shop's time zone."""
    return local_date(timezone.now())


def due_date_for(received_at: datetime) -> date:
    """Return the Art. 12(3) due date of a request received at ``received_at``."""
    return add_months(local_date(received_at), ANSWER_WITHIN_MONTHS)
