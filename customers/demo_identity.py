"""Personal identity numbers and Estonian contact details for demo customers.

Every demo identity number is valid for its country and unique: it is derived from the customer's
number by a bijection onto (birth date, individual number), so two customers never share one, on
any database and in any run. Birth dates fall in 1940–1999, which keeps every format in its
twentieth-century form (Finnish separator "-", Norwegian individual numbers 000–499, Estonian first
digit 3 or 4).
"""

from __future__ import annotations

from datetime import date, timedelta
from math import gcd

BIRTH_START = date(1940, 1, 1)
BIRTH_DAYS = (date(2000, 1, 1) - BIRTH_START).days  # 21,915 days
# Scatters consecutive customer numbers over the birth dates; coprime with BIRTH_DAYS.
DAY_STEP = 7919
assert gcd(DAY_STEP, BIRTH_DAYS) == 1
FINNISH_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _birth(number: int) -> tuple[date, int]:
    """The birth date and the serial (how many earlier customer numbers share that date) of a number."""
    day = (number * DAY_STEP) % BIRTH_DAYS
    return BIRTH_START + timedelta(days=day), number // BIRTH_DAYS


def _individual(serial: int, day_salt: int, low: int, span: int) -> int:
    """Spread serials 0, 1, 2… of one birth date over the individual numbers low…low+span-1."""
    if serial >= span:
        raise ValueError("more demo customers than identity numbers for one birth date")
    step = 37 if gcd(37, span) == 1 else 41
    return low + (serial * step + day_salt) % span


def finnish(number: int) -> str:
    """A henkilötunnus: DDMMYY-NNNC, the check character indexed by DDMMYYNNN mod 31."""
    born, serial = _birth(number)
    individual = _individual(serial, born.toordinal(), 2, 898)
    digits = f"{born:%d%m%y}{individual:03d}"
    return f"{digits[:6]}-{digits[6:]}{FINNISH_CHECK[int(digits) % 31]}"


def luhn_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def swedish(number: int) -> str:
    """A personnummer: YYMMDD-NNNC, the check digit by the Luhn algorithm over YYMMDDNNN."""
    born, serial = _birth(number)
    individual = _individual(serial, born.toordinal(), 1, 999)
    digits = f"{born:%y%m%d}{individual:03d}"
    return f"{digits[:6]}-{digits[6:]}{luhn_digit(digits)}"


NORWEGIAN_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
NORWEGIAN_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def norwegian_checks(nine: str) -> str | None:
    """The two control digits of a fødselsnummer's first nine digits, or None if none exist."""
    k1 = _mod11(nine, NORWEGIAN_K1)
    if k1 is None:
        return None
    k2 = _mod11(nine + str(k1), NORWEGIAN_K2)
    return None if k2 is None else f"{k1}{k2}"


def norwegian(number: int) -> str:
    """A fødselsnummer: DDMMYY III K1 K2; the serial picks the n-th individual number that has both checks."""
    born, serial = _birth(number)
    salt = born.toordinal()
    found = -1
    for n in range(500):
        individual = (n * 37 + salt) % 500  # 000–499: born 1900–1999
        nine = f"{born:%d%m%y}{individual:03d}"
        checks = norwegian_checks(nine)
        if checks is not None:
            found += 1
            if found == serial:
                return nine + checks
    raise ValueError("more demo customers than identity numbers for one birth date")


ESTONIAN_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 1)
ESTONIAN_W2 = (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)


def estonian_check(ten: str) -> int:
    check = sum(int(d) * w for d, w in zip(ten, ESTONIAN_W1, strict=True)) % 11
    if check == 10:
        check = sum(int(d) * w for d, w in zip(ten, ESTONIAN_W2, strict=True)) % 11
        if check == 10:
            check = 0
    return check


def estonian(number: int) -> str:
    """An isikukood: G YYMMDD SSS C (G 3 or 4 for the 1900s), C by the two-round weighted mod 11."""
    born, serial = _birth(number)
    individual = _individual(serial // 2, born.toordinal(), 0, 1000)
    ten = f"{3 + serial % 2}{born:%y%m%d}{individual:03d}"
    return ten + str(estonian_check(ten))


IDENTITY_NUMBERS = {"FI": finnish, "SE": swedish, "NO": norwegian, "EE": estonian}


def identity_number(country: str, number: int) -> str:
    """The demo identity number of customer number ``number`` in ``country`` (unique per country)."""
    return IDENTITY_NUMBERS[country](number)


# Estonian places with their real postcodes and streets: Faker's et_EE has names but no addresses
# or phone numbers of its own.
ESTONIAN_PLACES = (
    ("Tallinn", ("10111", "10115", "10130", "10145", "10411", "11314", "13516")),
    ("Tartu", ("50090", "50103", "50411", "51004", "51013")),
    ("Narva", ("20103", "20307", "21004")),
    ("Pärnu", ("80010", "80041", "80042")),
    ("Viljandi", ("71004", "71020")),
    ("Rakvere", ("44306", "44310")),
    ("Kuressaare", ("93815", "93819")),
    ("Haapsalu", ("90502", "90503")),
    ("Jõhvi", ("41531", "41532")),
    ("Võru", ("65608", "65609")),
)
ESTONIAN_STREETS = (
    "Narva mnt",
    "Pärnu mnt",
    "Tartu mnt",
    "Tallinna mnt",
    "Rüütli",
    "Kalda tee",
    "Lossi",
    "Pikk",
    "Vabaduse pst",
    "Mere pst",
    "Kesk",
    "Aia",
    "Jaama",
    "Kooli",
    "Pargi",
    "Riia",
    "Lai",
    "Vee",
    "Männi",
    "Kase",
)


def estonian_contacts(rng, count: int) -> tuple[list[str], list[str], list[str], list[str]]:
    """Pools of Estonian streets, postcodes, cities (postcode and city matching) and mobile numbers."""
    streets, postcodes, cities, phones = [], [], [], []
    for _ in range(count):
        city, codes = rng.choice(ESTONIAN_PLACES)
        streets.append(f"{rng.choice(ESTONIAN_STREETS)} {rng.randint(1, 120)}")
        postcodes.append(rng.choice(codes))
        cities.append(city)
        # Estonian mobile numbers: +372 5xxx xxxx.
        phones.append(f"+372 5{rng.randint(100, 999)} {rng.randint(1000, 9999)}")
    return streets, postcodes, cities, phones


def estonian_iban(rng) -> str:
    """An Estonian IBAN (EE, two check digits by ISO 7064 mod 97, bank code 22 or 10, 14 more digits)."""
    bban = rng.choice(("22", "10", "17")) + "".join(str(rng.randint(0, 9)) for _ in range(14))
    numeric = int(bban + "1414" + "00")  # E=14, E=14
    check = 98 - numeric % 97
    return f"EE{check:02d}{bban}"
