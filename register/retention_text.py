"""The retention sentences of the notice, the access report and the Art. 30 record.

Each (event, unit) pair is one whole sentence with its plural forms in the catalogues, and a period of
zero has a sentence of its own per event: an event's name is never put into a template, because no
template fits the grammar of every language (Finnish inflects the event, Swedish and Norwegian say
"år" for one year and for five).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from register.models import CountsFrom, PeriodUnit, RetentionAction
from register.translation import LANGUAGE_CODES

E = CountsFrom
U = PeriodUnit

PERIOD_SENTENCES = {
    (E.END_OF_RELATIONSHIP, U.DAYS): ngettext_lazy(
        "The data is kept for %(count)s day after the customer relationship ends.",
        "The data is kept for %(count)s days after the customer relationship ends.",
        "count",
    ),
    (E.END_OF_RELATIONSHIP, U.MONTHS): ngettext_lazy(
        "The data is kept for %(count)s month after the customer relationship ends.",
        "The data is kept for %(count)s months after the customer relationship ends.",
        "count",
    ),
    (E.END_OF_RELATIONSHIP, U.YEARS): ngettext_lazy(
        "The data is kept for %(count)s year after the customer relationship ends.",
        "The data is kept for %(count)s years after the customer relationship ends.",
        "count",
    ),
    (E.LAST_ACTIVITY, U.DAYS): ngettext_lazy(
        "The data is kept for %(count)s day after the customer's last activity.",
        "The data is kept for %(count)s days after the customer's last activity.",
        "count",
    ),
    (E.LAST_ACTIVITY, U.MONTHS): ngettext_lazy(
        "The data is kept for %(count)s month after the customer's last activity.",
        "The data is kept for %(count)s months after the customer's last activity.",
        "count",
    ),
    (E.LAST_ACTIVITY, U.YEARS): ngettext_lazy(
        "The data is kept for %(count)s year after the customer's last activity.",
        "The data is kept for %(count)s years after the customer's last activity.",
        "count",
    ),
    (E.END_OF_FINANCIAL_YEAR, U.DAYS): ngettext_lazy(
        "The data is kept for %(count)s day after the end of the financial year.",
        "The data is kept for %(count)s days after the end of the financial year.",
        "count",
    ),
    (E.END_OF_FINANCIAL_YEAR, U.MONTHS): ngettext_lazy(
        "The data is kept for %(count)s month after the end of the financial year.",
        "The data is kept for %(count)s months after the end of the financial year.",
        "count",
    ),
    (E.END_OF_FINANCIAL_YEAR, U.YEARS): ngettext_lazy(
        "The data is kept for %(count)s year after the end of the financial year.",
        "The data is kept for %(count)s years after the end of the financial year.",
        "count",
    ),
    (E.END_OF_CALENDAR_YEAR, U.DAYS): ngettext_lazy(
        "The data is kept for %(count)s day after the end of the calendar year.",
        "The data is kept for %(count)s days after the end of the calendar year.",
        "count",
    ),
    (E.END_OF_CALENDAR_YEAR, U.MONTHS): ngettext_lazy(
        "The data is kept for %(count)s month after the end of the calendar year.",
        "The data is kept for %(count)s months after the end of the calendar year.",
        "count",
    ),
    (E.END_OF_CALENDAR_YEAR, U.YEARS): ngettext_lazy(
        "The data is kept for %(count)s year after the end of the calendar year.",
        "The data is kept for %(count)s years after the end of the calendar year.",
        "count",
    ),
    (E.REQUEST_RECEIVED, U.DAYS): ngettext_lazy(
        "The data is kept for %(count)s day after the request was received.",
        "The data is kept for %(count)s days after the request was received.",
        "count",
    ),
    (E.REQUEST_RECEIVED, U.MONTHS): ngettext_lazy(
        "The data is kept for %(count)s month after the request was received.",
        "The data is kept for %(count)s months after the request was received.",
        "count",
    ),
    (E.REQUEST_RECEIVED, U.YEARS): ngettext_lazy(
        "The data is kept for %(count)s year after the request was received.",
        "The data is kept for %(count)s years after the request was received.",
        "count",
    ),
    (E.REQUEST_COMPLETED, U.DAYS): ngettext_lazy(
        "The data is kept for %(count)s day after the request was completed.",
        "The data is kept for %(count)s days after the request was completed.",
        "count",
    ),
    (E.REQUEST_COMPLETED, U.MONTHS): ngettext_lazy(
        "The data is kept for %(count)s month after the request was completed.",
        "The data is kept for %(count)s months after the request was completed.",
        "count",
    ),
    (E.REQUEST_COMPLETED, U.YEARS): ngettext_lazy(
        "The data is kept for %(count)s year after the request was completed.",
        "The data is kept for %(count)s years after the request was completed.",
        "count",
    ),
    (E.CREATION, U.DAYS): ngettext_lazy(
        "The data is kept for %(count)s day after it was recorded.",
        "The data is kept for %(count)s days after it was recorded.",
        "count",
    ),
    (E.CREATION, U.MONTHS): ngettext_lazy(
        "The data is kept for %(count)s month after it was recorded.",
        "The data is kept for %(count)s months after it was recorded.",
        "count",
    ),
    (E.CREATION, U.YEARS): ngettext_lazy(
        "The data is kept for %(count)s year after it was recorded.",
        "The data is kept for %(count)s years after it was recorded.",
        "count",
    ),
}

# A period of zero from an event that ends something (register.models.ZERO_PERIOD_EVENTS).
UNTIL_SENTENCES = {
    E.END_OF_RELATIONSHIP: _("The data is kept as long as the customer relationship lasts."),
    E.END_OF_FINANCIAL_YEAR: _("The data is kept until the end of the financial year."),
    E.END_OF_CALENDAR_YEAR: _("The data is kept until the end of the calendar year."),
    E.REQUEST_COMPLETED: _("The data is kept until the request has been completed."),
}

ACTION_SENTENCES = {
    RetentionAction.DELETE: _("Then it is deleted."),
    RetentionAction.ANONYMISE: _("Then it is anonymised."),
}


def period_sentence(amount: int, unit: str, counts_from: str) -> str:
    """How long the data is kept and from which event, in the active language."""
    if amount == 0 and counts_from in UNTIL_SENTENCES:
        return str(UNTIL_SENTENCES[counts_from])
    sentence = PERIOD_SENTENCES.get((counts_from, unit))
    if sentence is None:
        # An incomplete rule (no unit or event chosen yet) is shown to staff, never published.
        return f"{amount} {unit} {counts_from}".strip()
    return sentence % {"count": amount}


def retention_sentence(amount: int, unit: str, counts_from: str, action: str) -> str:
    """The period sentence followed by what happens then, in the active language."""
    then = ACTION_SENTENCES.get(action)
    period = period_sentence(amount, unit, counts_from)
    return f"{period} {then}" if then else period


def retention_sentences(amount: int, unit: str, counts_from: str, action: str) -> dict[str, str]:
    """``retention_sentence`` in every language."""
    result = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            result[code] = retention_sentence(amount, unit, counts_from, action)
    return result
