"""Calendar-month deadlines (GDPR Art. 12(3)) in the shop's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from requests.deadlines import add_months, due_date_for

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # not a leap year
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 1, date(2024, 3, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 2, 28), 1, date(2025, 3, 28)),
        (date(2025, 11, 30), 1, date(2025, 12, 30)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
    ],
)
def test_add_months_is_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


def test_due_date_counts_from_the_helsinki_day_at_the_start_of_summer_time(settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    # Last Sunday of March 2025: 00:30 local is still winter time (UTC+2) -> 22:30 UTC on Saturday.
    received = datetime(2025, 3, 30, 0, 30, tzinfo=HELSINKI)
    assert received.astimezone(UTC).date() == date(2025, 3, 29)
    assert due_date_for(received) == date(2025, 4, 30)


def test_due_date_counts_from_the_helsinki_day_at_the_end_of_summer_time(settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    # Last Sunday of October 2025: 00:30 local is summer time (UTC+3) -> 21:30 UTC on Saturday.
    received = datetime(2025, 10, 26, 0, 30, tzinfo=HELSINKI)
    assert received.astimezone(UTC).date() == date(2025, 10, 25)
    assert due_date_for(received) == date(2025, 11, 26)


def test_due_date_from_utc_timestamp_uses_local_date(settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    # 31 Jan 22:30 UTC is already 1 Feb in Helsinki.
    assert due_date_for(datetime(2025, 1, 31, 22, 30, tzinfo=UTC)) == date(2025, 3, 1)
    assert due_date_for(datetime(2025, 1, 31, 21, 0, tzinfo=UTC)) == date(2025, 2, 28)
