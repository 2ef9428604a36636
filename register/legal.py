"""Legal facts the product encodes (see docs/legal.md). Engineering input, not legal advice.

Bookkeeping periods live in the ``BookkeepingPeriod`` table and other statutory holds in the
``StatutoryHold`` table (the DPO can change both in the admin); the initial rows come from
``BOOKKEEPING_PERIODS`` and ``STATUTORY_HOLDS`` below through data migrations.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class SupervisoryAuthority:
    """The authority a customer may complain to (GDPR Art. 13(2)(d), 15(1)(f), 77)."""

    country: str
    names: dict[str, str]
    website: str

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


SUPERVISORY_AUTHORITIES: dict[str, SupervisoryAuthority] = {
    "FI": SupervisoryAuthority(
        "FI",
        {
            "sv": "Dataombudsmannens byrå",
            "fi": "Tietosuojavaltuutetun toimisto",
            "nb": "Datatilsynet i Finland (Tietosuojavaltuutetun toimisto)",
            "en": "Office of the Data Protection Ombudsman (Finland)",
        },
        "https://tietosuoja.fi",
    ),
    "SE": SupervisoryAuthority(
        "SE",
        {
            "sv": "Integritetsskyddsmyndigheten (IMY)",
            "fi": "Ruotsin tietosuojaviranomainen (Integritetsskyddsmyndigheten, IMY)",
            "nb": "Det svenske datatilsynet (Integritetsskyddsmyndigheten, IMY)",
            "en": "Swedish Authority for Privacy Protection (IMY)",
        },
        "https://www.imy.se",
    ),
    "NO": SupervisoryAuthority(
        "NO",
        {
            "sv": "Datatilsynet (Norges dataskyddsmyndighet)",
            "fi": "Norjan tietosuojaviranomainen (Datatilsynet)",
            "nb": "Datatilsynet",
            "en": "Norwegian Data Protection Authority (Datatilsynet)",
        },
        "https://www.datatilsynet.no",
    ),
    "EE": SupervisoryAuthority(
        "EE",
        {
            "sv": "Estlands dataskyddsinspektion (Andmekaitse Inspektsioon)",
            "fi": "Viron tietosuojavirasto (Andmekaitse Inspektsioon)",
            "nb": "Estlands datatilsyn (Andmekaitse Inspektsioon)",
            "en": "Estonian Data Protection Inspectorate (Andmekaitse Inspektsioon)",
        },
        "https://www.aki.ee",
    ),
}

# Statutes, cited on each bookkeeping period.
FI_KIRJANPITOLAKI = "Kirjanpitolaki 1336/1997, 2 luku 10 §"
SE_BOKFORINGSLAGEN = "Bokföringslagen 1999:1078, 7 kap. 2 §"
NO_BOKFORINGSLOVEN = "Bokføringsloven § 13"
EE_RAAMATUPIDAMISE_SEADUS = "Raamatupidamise seadus § 12"
EE_KMS = "Käibemaksuseadus § 36"

END_OF_FINANCIAL_YEAR = "end_of_financial_year"
END_OF_CALENDAR_YEAR = "end_of_calendar_year"
ISSUE_DATE = "issue_date"

# (country, record kind, years, counts from, statute) — the initial BookkeepingPeriod rows.
BOOKKEEPING_PERIODS: list[tuple[str, str, Decimal, str, str]] = [
    # Finland: financial statements and ledgers 10 years from the end of the financial year;
    # vouchers and business correspondence 6 years from the end of the calendar year in
    # which the financial year ended.
    ("FI", "ledger", Decimal("10"), END_OF_FINANCIAL_YEAR, FI_KIRJANPITOLAKI),
    ("FI", "voucher", Decimal("6"), END_OF_CALENDAR_YEAR, FI_KIRJANPITOLAKI),
    ("FI", "invoice", Decimal("6"), END_OF_CALENDAR_YEAR, FI_KIRJANPITOLAKI),
    ("FI", "primary", Decimal("6"), END_OF_CALENDAR_YEAR, FI_KIRJANPITOLAKI),
    ("FI", "secondary", Decimal("6"), END_OF_CALENDAR_YEAR, FI_KIRJANPITOLAKI),
    # Sweden: all bookkeeping records 7 years after the end of the calendar year in which
    # the financial year ended.
    ("SE", "ledger", Decimal("7"), END_OF_CALENDAR_YEAR, SE_BOKFORINGSLAGEN),
    ("SE", "voucher", Decimal("7"), END_OF_CALENDAR_YEAR, SE_BOKFORINGSLAGEN),
    ("SE", "invoice", Decimal("7"), END_OF_CALENDAR_YEAR, SE_BOKFORINGSLAGEN),
    ("SE", "primary", Decimal("7"), END_OF_CALENDAR_YEAR, SE_BOKFORINGSLAGEN),
    ("SE", "secondary", Decimal("7"), END_OF_CALENDAR_YEAR, SE_BOKFORINGSLAGEN),
    # Norway: primary documentation (invoices, vouchers) 5 years after the end of the
    # financial year; secondary documentation (agreements, correspondence, packing slips) 3.5.
    ("NO", "ledger", Decimal("5"), END_OF_FINANCIAL_YEAR, NO_BOKFORINGSLOVEN),
    ("NO", "voucher", Decimal("5"), END_OF_FINANCIAL_YEAR, NO_BOKFORINGSLOVEN),
    ("NO", "invoice", Decimal("5"), END_OF_FINANCIAL_YEAR, NO_BOKFORINGSLOVEN),
    ("NO", "primary", Decimal("5"), END_OF_FINANCIAL_YEAR, NO_BOKFORINGSLOVEN),
    ("NO", "secondary", Decimal("3.5"), END_OF_FINANCIAL_YEAR, NO_BOKFORINGSLOVEN),
    # Estonia: 7 years from the end of the financial year; invoices 7 years from issue
    # (VAT Act § 36).
    ("EE", "ledger", Decimal("7"), END_OF_FINANCIAL_YEAR, EE_RAAMATUPIDAMISE_SEADUS),
    ("EE", "voucher", Decimal("7"), END_OF_FINANCIAL_YEAR, EE_RAAMATUPIDAMISE_SEADUS),
    ("EE", "invoice", Decimal("7"), ISSUE_DATE, EE_KMS),
    ("EE", "primary", Decimal("7"), END_OF_FINANCIAL_YEAR, EE_RAAMATUPIDAMISE_SEADUS),
    ("EE", "secondary", Decimal("7"), END_OF_FINANCIAL_YEAR, EE_RAAMATUPIDAMISE_SEADUS),
]


# Statutory holds besides bookkeeping (docs/legal.md, "Other statutory holds"): the initial
# StatutoryHold rows, engineering defaults marked for the DPO to check. Consumer-protection law keeps
# order, delivery and return records while the customer may still complain or claim.
SE_KONSUMENTKOPLAGEN = "Konsumentköplagen (2022:260)"
NO_FORBRUKERKJOPSLOVEN = "Forbrukerkjøpsloven § 27"
EE_VOLAOIGUSSEADUS = "Võlaõigusseadus § 218"
FI_VANHENTUMISLAKI = "Laki velan vanhentumisesta (728/2003) 4 §"
GDPR_LEGAL_CLAIMS = "GDPR Art. 17(3)(e)"

CONSUMER_RECORDS = ["orders", "order_lines", "returns"]
DEBT_RECORDS = ["orders", "order_lines", "invoices", "payments"]


@dataclass(frozen=True)
class StatutoryHoldDefault:
    country: str
    kind: str
    statute: str
    records: list[str]
    counts_from: str
    years: int | None
    condition: str = "always"
    keeps_identifiers: bool = False
    is_active: bool = True
    note: str = ""


STATUTORY_HOLDS: list[StatutoryHoldDefault] = [
    # Sweden: complaints about goods within 3 years of delivery.
    StatutoryHoldDefault("SE", "consumer_complaint", SE_KONSUMENTKOPLAGEN, CONSUMER_RECORDS, "delivery", 3),
    # Norway: 2 years from delivery, 5 years for goods meant to last considerably longer. The shop
    # chooses: the durable-goods row starts out of force.
    StatutoryHoldDefault("NO", "consumer_complaint", NO_FORBRUKERKJOPSLOVEN, CONSUMER_RECORDS, "delivery", 2),
    StatutoryHoldDefault(
        "NO",
        "consumer_complaint",
        f"{NO_FORBRUKERKJOPSLOVEN} (goods meant to last considerably longer)",
        CONSUMER_RECORDS,
        "delivery",
        5,
        is_active=False,
        note="Put in force when the shop sells goods meant to last considerably longer than two years "
        "(furniture, appliances, …); the longer period then keeps every order.",
    ),
    # Estonia: consumer claims on goods within 2 years.
    StatutoryHoldDefault("EE", "consumer_complaint", EE_VOLAOIGUSSEADUS, CONSUMER_RECORDS, "delivery", 2),
    # Finland: kuluttajansuojalaki sets no fixed period ("reasonable time"); the general limitation
    # period of 3 years bounds a claim.
    StatutoryHoldDefault(
        "FI",
        "limitation",
        FI_VANHENTUMISLAKI,
        CONSUMER_RECORDS,
        "delivery",
        3,
        note="Kuluttajansuojalaki has no fixed complaint period (reasonable time); the general limitation "
        "period bounds a claim.",
    ),
    # Every country: an unpaid invoice in debt collection stays, with its order, until it is paid.
    StatutoryHoldDefault(
        "",
        "debt_collection",
        GDPR_LEGAL_CLAIMS,
        DEBT_RECORDS,
        "invoice_due",
        None,
        condition="unpaid_in_collection",
        keeps_identifiers=True,
        note="The shop's own claim: kept until settled. Set a period to end it also when the claim is "
        "time-barred.",
    ),
]


def financial_year_end_for(record_date: date, financial_year_end: tuple[int, int] = (12, 31)) -> date:
    """Return the last day of the financial year that ``record_date`` belongs to."""
    month, day = financial_year_end
    for year in (record_date.year, record_date.year + 1):
        # A 29 February year end becomes 28 February in other years.
        end = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if end >= record_date:
            return end
    raise AssertionError("unreachable")  # pragma: no cover


def add_years(start: date, years: Decimal) -> date:
    """Add a possibly fractional number of years (3.5 years = 3 years and 6 months)."""
    whole = int(years)
    months = int((years - whole) * 12)
    result = start + relativedelta(years=whole, months=months)
    # Periods counted from a month's last day end on a month's last day (31 Dec + 3.5 y = 30 Jun).
    if start.day == calendar.monthrange(start.year, start.month)[1]:
        result = result.replace(day=calendar.monthrange(result.year, result.month)[1])
    return result


def bookkeeping_hold_until(
    country: str,
    record_date: date,
    kind: str = "voucher",
    financial_year_end: tuple[int, int] = (12, 31),
) -> date:
    """Return the last day bookkeeping law requires a record dated ``record_date`` to be kept.

    Erasure keeps such records until then (GDPR Art. 17(3)(b)). The periods come from the
    ``BookkeepingPeriod`` table; raises ``LookupError`` when it has no row for the pair.
    """
    from register.models import BookkeepingPeriod

    try:
        period = BookkeepingPeriod.objects.get(country=country.upper(), kind=kind)
    except BookkeepingPeriod.DoesNotExist:
        raise LookupError(f"No bookkeeping period for {country}/{kind}") from None
    return period_end(period.counts_from, period.years, record_date, financial_year_end)


def period_end(
    counts_from: str, years: Decimal, record_date: date, financial_year_end: tuple[int, int] = (12, 31)
) -> date:
    """The last day of a bookkeeping period of ``years`` counted from ``counts_from`` for ``record_date``."""
    year_end = financial_year_end_for(record_date, financial_year_end)
    if counts_from == END_OF_CALENDAR_YEAR:
        start = date(year_end.year, 12, 31)
    elif counts_from == ISSUE_DATE:
        start = record_date
    else:
        start = year_end
    return add_years(start, years)
