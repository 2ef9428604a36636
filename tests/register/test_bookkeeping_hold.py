"""Bookkeeping law keeps records until a computed date, per country (GDPR Art. 17(3)(b))."""

from datetime import date
from decimal import Decimal

import pytest

from register.legal import BOOKKEEPING_PERIODS, SUPERVISORY_AUTHORITIES, bookkeeping_hold_until
from register.models import BookkeepingPeriod

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "kind", "expected"),
    [
        ("FI", "voucher", date(2030, 12, 31)),  # 6 years from end of the calendar year
        ("FI", "ledger", date(2034, 12, 31)),  # 10 years from end of the financial year
        ("SE", "voucher", date(2031, 12, 31)),
        ("SE", "ledger", date(2031, 12, 31)),
        ("NO", "primary", date(2029, 12, 31)),
        ("NO", "secondary", date(2028, 6, 30)),  # 3.5 years
        ("EE", "voucher", date(2031, 12, 31)),
        ("EE", "invoice", date(2031, 5, 1)),  # 7 years from issue
    ],
)
def test_hold_until_per_country_and_kind(country, kind, expected):
    assert bookkeeping_hold_until(country, date(2024, 5, 1), kind) == expected


def test_default_kind_is_voucher_and_country_is_case_insensitive():
    assert bookkeeping_hold_until("fi", date(2024, 5, 1)) == date(2030, 12, 31)


def test_financial_year_not_ending_in_december():
    # Financial year July–June: a voucher of May 2024 belongs to the year ending 30 June 2024.
    assert bookkeeping_hold_until("NO", date(2024, 5, 1), "primary", (6, 30)) == date(2029, 6, 30)
    # In Finland the six years count from the end of that calendar year (2024).
    assert bookkeeping_hold_until("FI", date(2024, 5, 1), "voucher", (6, 30)) == date(2030, 12, 31)
    # A record after the year end belongs to the next financial year.
    assert bookkeeping_hold_until("FI", date(2024, 8, 1), "voucher", (6, 30)) == date(2031, 12, 31)
    assert bookkeeping_hold_until("EE", date(2024, 8, 1), "voucher", (6, 30)) == date(2032, 6, 30)


def test_record_on_the_last_day_of_the_year():
    assert bookkeeping_hold_until("SE", date(2024, 12, 31)) == date(2031, 12, 31)
    assert bookkeeping_hold_until("SE", date(2025, 1, 1)) == date(2032, 12, 31)


def test_leap_day_year_end_is_handled():
    assert bookkeeping_hold_until("NO", date(2023, 2, 1), "primary", (2, 29)) == date(2028, 2, 29)


def test_dpo_can_change_a_period_and_the_calculation_follows():
    period = BookkeepingPeriod.objects.get(country="SE", kind="voucher")
    period.years = Decimal("10")
    period.save()
    assert bookkeeping_hold_until("SE", date(2024, 5, 1)) == date(2034, 12, 31)


def test_unknown_country_or_kind_raises_lookup_error():
    with pytest.raises(LookupError):
        bookkeeping_hold_until("DE", date(2024, 5, 1))
    with pytest.raises(LookupError):
        bookkeeping_hold_until("FI", date(2024, 5, 1), "postcard")


def test_data_migration_loaded_every_period_from_legal_facts():
    rows = {(p.country, p.kind): (p.years, p.counts_from) for p in BookkeepingPeriod.objects.all()}
    assert rows == {(c, k): (y, f) for c, k, y, f, _s in BOOKKEEPING_PERIODS}
    assert all(p.statute for p in BookkeepingPeriod.objects.all())


def test_every_shop_country_has_a_supervisory_authority_in_four_languages():
    for country in ("FI", "SE", "NO", "EE"):
        authority = SUPERVISORY_AUTHORITIES[country]
        assert set(authority.names) == {"sv", "fi", "nb", "en"}
        assert authority.website.startswith("https://")
    assert SUPERVISORY_AUTHORITIES["FI"].name("fi") == "Tietosuojavaltuutetun toimisto"
    assert "Integritetsskyddsmyndigheten" in SUPERVISORY_AUTHORITIES["SE"].name("sv")
    assert SUPERVISORY_AUTHORITIES["NO"].name("nb") == "Datatilsynet"
    assert "Andmekaitse Inspektsioon" in SUPERVISORY_AUTHORITIES["EE"].name("en")
