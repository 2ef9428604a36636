"""Contact details as the register matches them: normalised, hashed and masked.

Emails and phone numbers are matched in a normalised form (``normalize_email``,
``normalize_phone``); the suppression list and the customer's digests keep them as keyed hashes
(``hash_contact``), so an objection survives erasure without an address in clear (GDPR Art. 21(3)).
Identity numbers and bank accounts are shown masked to staff without the permission to see them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from django.conf import settings

from register.models import shop_country

# The kinds of contact a keyed hash is made of (``Suppression.Kind``).
EMAIL = "email"
PHONE = "phone"

# International calling codes of the shops' countries, used to bring a national number
# ("040 123 4567") to the same form as an international one ("+358 40 123 4567").
CALLING_CODES = {"FI": "358", "SE": "46", "NO": "47", "EE": "372"}
# Finland and Sweden dial a trunk "0" before national numbers; Norway and Estonia do not.
TRUNK_PREFIX_COUNTRIES = {"FI", "SE"}


def normalize_email(value: str | None) -> str:
    """Return the email as it is matched: surrounding whitespace removed, case folded."""
    return (value or "").strip().casefold()


def normalize_phone(value: str | None, country: str | None = None) -> str:
    """Return the phone number as digits with a leading "+" (E.164 style) for matching.

    A number already in international form ("+358…", "00358…") keeps its country code. A
    national number gets the calling code of ``country`` (default: the shop's country, that of the
    current register). An empty or digit-less value gives "".
    """
    raw = (value or "").strip()
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return ""
    if raw.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    country = (country or shop_country()).upper()
    code = CALLING_CODES.get(country)
    if code is None:
        return "+" + digits
    if country in TRUNK_PREFIX_COUNTRIES:
        if digits.startswith("0"):
            return "+" + code + digits[1:]
        if digits.startswith(code):
            return "+" + digits
        return "+" + code + digits
    if digits.startswith(code) and len(digits) > 8:
        return "+" + digits
    return "+" + code + digits


def hash_contact(kind: str, value: str | None) -> str:
    """Return the keyed hash (HMAC-SHA256, settings.SUPPRESSION_HASH_KEY) of a normalised contact.

    ``kind`` is "email" or "phone". An empty value hashes to "" so that it never matches.
    """
    if kind == EMAIL:
        normalized = normalize_email(value)
    elif kind == PHONE:
        normalized = normalize_phone(value)
    else:
        raise ValueError(f"unknown contact kind {kind!r}")
    if not normalized:
        return ""
    key = settings.SUPPRESSION_HASH_KEY.encode()
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def mask_identity_number(value: str | None) -> str:
    """Mask a personal identity number, keeping only its last four characters ("******-123A")."""
    value = value or ""
    if not value:
        return ""
    head, tail = value[:-4], value[-4:]
    return re.sub(r"[0-9A-Za-z]", "*", head) + tail


def mask_bank_account(value: str | None) -> str:
    """Mask an IBAN, keeping the country letters and the last two digits ("FI** **** **** **34")."""
    compact = re.sub(r"\s", "", value or "").upper()
    if not compact:
        return ""
    if len(compact) <= 4:
        return "*" * len(compact)
    masked = compact[:2] + "*" * (len(compact) - 4) + compact[-2:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


# Staff without this permission see the fields of MASKED_FIELDS masked (GDPR Art. 5(1)(f), 32).
SENSITIVE_PERMISSION = "customers.view_sensitive_identifiers"

# The one declaration of masked fields: model label -> {field: masking function}. The admin shows
# them masked and never lets staff without SENSITIVE_PERMISSION filter, order or search by them
# (customers.admin), since a list answering "one row or none" reveals a value a character at a time.
MASKED_FIELDS: dict[str, dict[str, Callable[[str | None], str]]] = {
    "customers.Customer": {"identity_number": mask_identity_number, "bank_account": mask_bank_account},
    "customers.Return": {"refund_account": mask_bank_account},
}
