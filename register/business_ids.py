"""Nordic and Estonian business identifiers: check digits and the customary written form.

The algorithms are those of docs/legal.md ("Business identifiers and their check digits"):

- Finland, Y-tunnus / FO-nummer ``NNNNNNN-C``: weights 7, 9, 10, 5, 8, 4, 2; r = sum mod 11;
  r = 0 gives C = 0, r = 1 is invalid, else C = 11 - r.
- Sweden, organisationsnummer ``NNNNNN-NNNN``: Luhn (mod 10) over the ten digits.
- Norway, organisasjonsnummer (nine digits): weights 3, 2, 7, 6, 5, 4, 3, 2; C = 11 - (sum mod 11),
  11 gives 0, 10 is invalid.
- Estonia, registrikood (eight digits): weights 1-7, r = sum mod 11; r = 10: weights 3-9, and if
  again 10, C = 0; else C = r.
- EU VAT numbers: FI + the Y-tunnus' eight digits, SE + the organisationsnummer + 01,
  NO + the organisasjonsnummer + MVA (checked as the national number); EE + nine digits (a separate
  number, format only). Other EU prefixes are accepted by format.

``normalise(kind, value)`` returns the customary written form or raises ``ValidationError`` with a
message in the active language.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class BusinessIdKind(models.TextChoices):
    """A kind of business identifier; its label is the name a reader of that language uses."""

    Y_TUNNUS = "y_tunnus", _("Finnish business ID (Y-tunnus)")
    ORGANISATIONSNUMMER = "organisationsnummer", _("Swedish organisation number (organisationsnummer)")
    ORGANISASJONSNUMMER = "organisasjonsnummer", _("Norwegian organisation number (organisasjonsnummer)")
    REGISTRIKOOD = "registrikood", _("Estonian registry code (registrikood)")
    VAT = "vat", _("VAT number")


# Prefixes of EU VAT numbers (Greece uses EL) besides the ones checked digit by digit below.
OTHER_VAT_PREFIXES = frozenset(
    ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EL", "ES", "FR", "HR", "HU", "IE", "IT"]
    + ["LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SI", "SK", "XI"]
)

_SEPARATORS = re.compile(r"[\s\-.]")


def _digits(value: str) -> str:
    return _SEPARATORS.sub("", value)


# --- Check digits -------------------------------------------------------------------------------


def y_tunnus_check_digit(first_seven: str) -> int | None:
    """The check digit of a Y-tunnus, or None when no digit makes it valid (r = 1)."""
    total = sum(int(d) * w for d, w in zip(first_seven, (7, 9, 10, 5, 8, 4, 2), strict=True))
    remainder = total % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def luhn_valid(digits: str) -> bool:
    """Whether ``digits`` pass the Luhn (mod 10) check, the last digit being the check digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def organisasjonsnummer_check_digit(first_eight: str) -> int | None:
    """The check digit of a Norwegian organisasjonsnummer, or None when it would be 10 (invalid)."""
    total = sum(int(d) * w for d, w in zip(first_eight, (3, 2, 7, 6, 5, 4, 3, 2), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def registrikood_check_digit(first_seven: str) -> int:
    """The check digit of an Estonian registrikood."""
    for weights in ((1, 2, 3, 4, 5, 6, 7), (3, 4, 5, 6, 7, 8, 9)):
        remainder = sum(int(d) * w for d, w in zip(first_seven, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return 0


# --- Normalising --------------------------------------------------------------------------------


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_business_id")


def _check_y_tunnus(digits: str) -> str:
    if not re.fullmatch(r"\d{7,8}", digits):
        raise _invalid(gettext("A Y-tunnus has seven digits, a hyphen and a check digit, e.g. 0112038-9."))
    if len(digits) == 7:
        # Identifiers from before 1992 have six digits; they are written with a leading zero.
        digits = "0" + digits
    if y_tunnus_check_digit(digits[:7]) != int(digits[7]):
        raise _invalid(
            gettext("The check digit of this Y-tunnus is wrong: check the number (e.g. 0112038-9).")
        )
    return f"{digits[:7]}-{digits[7]}"


def _check_organisationsnummer(digits: str) -> str:
    if not re.fullmatch(r"\d{10}", digits):
        raise _invalid(gettext("An organisationsnummer has ten digits, e.g. 556012-5790."))
    if not luhn_valid(digits):
        raise _invalid(
            gettext(
                "The check digit of this organisationsnummer is wrong: check the number (e.g. 556012-5790)."
            )
        )
    return f"{digits[:6]}-{digits[6:]}"


def _check_organisasjonsnummer(digits: str) -> str:
    if not re.fullmatch(r"\d{9}", digits):
        raise _invalid(gettext("An organisasjonsnummer has nine digits, e.g. 923 609 016."))
    if organisasjonsnummer_check_digit(digits[:8]) != int(digits[8]):
        raise _invalid(
            gettext(
                "The check digit of this organisasjonsnummer is wrong: check the number (e.g. 923 609 016)."
            )
        )
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def _check_registrikood(digits: str) -> str:
    if not re.fullmatch(r"\d{8}", digits):
        raise _invalid(gettext("A registrikood has eight digits, e.g. 16192154."))
    if registrikood_check_digit(digits[:7]) != int(digits[7]):
        raise _invalid(
            gettext("The check digit of this registrikood is wrong: check the number (e.g. 16192154).")
        )
    return digits


def _check_vat(value: str) -> str:
    compact = _digits(value).upper()
    prefix, national = compact[:2], compact[2:]
    if prefix == "FI":
        return "FI" + _check_y_tunnus(national).replace("-", "")
    if prefix == "SE":
        if not re.fullmatch(r"\d{10}01", national):
            raise _invalid(gettext("A Swedish VAT number is SE, the ten-digit organisationsnummer and 01."))
        return "SE" + _check_organisationsnummer(national[:10]).replace("-", "") + "01"
    if prefix == "NO":
        if not re.fullmatch(r"\d{9}MVA", national):
            raise _invalid(
                gettext("A Norwegian VAT number is NO, the nine-digit organisasjonsnummer and MVA.")
            )
        return "NO" + _check_organisasjonsnummer(national[:9]).replace(" ", "") + "MVA"
    if prefix == "EE":
        if not re.fullmatch(r"\d{9}", national):
            raise _invalid(gettext("An Estonian VAT number is EE and nine digits."))
        return compact
    if prefix in OTHER_VAT_PREFIXES and re.fullmatch(r"[0-9A-Z+*]{2,12}", national):
        return compact
    raise _invalid(
        gettext(
            "A VAT number starts with its country code, e.g. FI01120389, SE556012579001 or NO923609016MVA."
        )
    )


_CHECKS = {
    BusinessIdKind.Y_TUNNUS: lambda value: _check_y_tunnus(_digits(value)),
    BusinessIdKind.ORGANISATIONSNUMMER: lambda value: _check_organisationsnummer(_digits(value)),
    BusinessIdKind.ORGANISASJONSNUMMER: lambda value: _check_organisasjonsnummer(_digits(value)),
    BusinessIdKind.REGISTRIKOOD: lambda value: _check_registrikood(_digits(value)),
    BusinessIdKind.VAT: _check_vat,
}


def normalise(kind: str, value: str) -> str:
    """Return ``value`` checked and written the customary way for ``kind``, or raise ``ValidationError``.

    >>> normalise("y_tunnus", "01120389")
    '0112038-9'
    >>> normalise("organisasjonsnummer", "923609016")
    '923 609 016'
    """
    value = (value or "").strip()
    if kind not in _CHECKS:
        raise _invalid(gettext("Choose the kind of business id."))
    return _CHECKS[kind](value)


def is_valid(kind: str, value: str) -> bool:
    """Whether ``value`` is a valid business id of ``kind``."""
    try:
        normalise(kind, value)
    except ValidationError:
        return False
    return True
