"""Countries a customer of a Nordic shop may live in, with names in the reader's language.

Forms offer these names instead of asking for an ISO 3166-1 code; the code is what is stored
(``Customer.country``). The list is the EU and EEA, Switzerland and the United Kingdom.
"""

import unicodedata

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from register.models import Country

COUNTRIES: dict[str, object] = {
    "AT": _("Austria"),
    "BE": _("Belgium"),
    "BG": _("Bulgaria"),
    "HR": _("Croatia"),
    "CY": _("Cyprus"),
    "CZ": _("Czechia"),
    "DK": _("Denmark"),
    "EE": Country.ESTONIA.label,
    "FI": Country.FINLAND.label,
    "FR": _("France"),
    "DE": _("Germany"),
    "GR": _("Greece"),
    "HU": _("Hungary"),
    "IS": _("Iceland"),
    "IE": _("Ireland"),
    "IT": _("Italy"),
    "LV": _("Latvia"),
    "LI": _("Liechtenstein"),
    "LT": _("Lithuania"),
    "LU": _("Luxembourg"),
    "MT": _("Malta"),
    "NL": _("Netherlands"),
    "NO": Country.NORWAY.label,
    "PL": _("Poland"),
    "PT": _("Portugal"),
    "RO": _("Romania"),
    "SK": _("Slovakia"),
    "SI": _("Slovenia"),
    "ES": _("Spain"),
    "SE": Country.SWEDEN.label,
    "CH": _("Switzerland"),
    "GB": _("United Kingdom"),
}


def country_name(code: str) -> str:
    """The country's name in the active language; an unknown code as it is."""
    name = COUNTRIES.get((code or "").upper())
    return str(name) if name is not None else code


# The letters each language sorts after Z, in its order; other accented letters sort as their base.
LAST_LETTERS = {"sv": "åäö", "fi": "åäö", "nb": "æøå", "en": ""}


def sort_key(text: str, language: str | None) -> list[tuple[int, str]]:
    last = LAST_LETTERS.get((language or "en")[:2], "")
    key = []
    for letter in text.casefold():
        if letter in last:
            key.append((1, str(last.index(letter))))
        else:
            base = unicodedata.normalize("NFD", letter)[0]
            key.append((0, base))
    return key


def country_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every country, sorted by name as the active language sorts (Å, Ä, Ö last in sv)."""
    language = get_language()
    return sorted(
        ((code, str(name)) for code, name in COUNTRIES.items()), key=lambda c: sort_key(c[1], language)
    )
