"""Helpers shared by the example registers."""

from __future__ import annotations

from typing import Any

from register.models import Channel, Right

__all__ = [
    "ADDED",
    "EE_BOOKKEEPING",
    "FI_BOOKKEEPING",
    "WEB_FORM",
    "Channel",
    "Right",
    "inactive",
    "months_from_creation",
    "same",
    "t",
]


def t(sv: str, fi: str, nb: str, en: str) -> dict[str, str]:
    """One text in the four languages."""
    return {"sv": sv, "fi": fi, "nb": nb, "en": en}


def same(text: str) -> dict[str, str]:
    """A name that is the same in every language."""
    return t(text, text, text, text)


ADDED = "Not in the original description: added because GDPR Art. 13 requires it for publishing."

FI_BOOKKEEPING = t(
    "Kirjanpitolaki (bokföringslagen) 1336/1997: verifikat sparas sex år från utgången av det år "
    "då räkenskapsperioden upphörde.",
    "Kirjanpitolaki 1336/1997: tositteet säilytetään kuusi vuotta sen vuoden lopusta, jonka aikana "
    "tilikausi on päättynyt.",
    "Den finske bokføringsloven (kirjanpitolaki 1336/1997): bilag oppbevares i seks år fra utgangen "
    "av året da regnskapsåret ble avsluttet.",
    "Finnish Accounting Act 1336/1997: vouchers are kept for six years from the end of the year in "
    "which the financial year ended.",
)
EE_BOOKKEEPING = t(
    "Estlands bokföringslag (Raamatupidamise seadus) § 12: bokföringsmaterial sparas i sju år från "
    "räkenskapsårets utgång.",
    "Viron kirjanpitolaki (Raamatupidamise seadus) § 12: kirjanpitoaineisto säilytetään seitsemän "
    "vuotta tilikauden päättymisestä.",
    "Estlands regnskapslov (Raamatupidamise seadus) § 12: regnskapsmateriale oppbevares i sju år fra "
    "utgangen av regnskapsåret.",
    "Estonian Accounting Act (Raamatupidamise seadus) § 12: accounting records are kept for seven "
    "years from the end of the financial year.",
)
WEB_FORM = t(
    "Formuläret för begäranden på denna webbplats",
    "Tämän sivuston pyyntölomake",
    "Skjemaet for forespørsler på dette nettstedet",
    "The request form on this website",
)


def _keys(categories: str | list[str]) -> list[str]:
    return [categories] if isinstance(categories, str) else list(categories)


def inactive(categories: str | list[str], years: int = 3, rule: str = "", **extra: Any) -> dict[str, Any]:
    """Customer data kept for ``years`` after the customer's last activity, then deleted."""
    return {
        "categories": _keys(categories),
        "period_amount": years,
        "period_unit": "years",
        "counts_from": "last_activity",
        "action": "delete",
        "rule": rule,
        "staff_note": ADDED,
        **extra,
    }


def months_from_creation(categories: str | list[str], months: int) -> dict[str, Any]:
    return {
        "categories": _keys(categories),
        "period_amount": months,
        "period_unit": "months",
        "counts_from": "creation",
        "action": "delete",
        "staff_note": ADDED,
    }
