"""Retention sentences: whole, grammatical sentences per language, event, unit and number."""

import itertools

import pytest
from django.utils import translation

from register.models import ZERO_PERIOD_EVENTS, CountsFrom, PeriodUnit, RetentionAction
from register.retention_text import period_sentence, retention_sentence

LANGUAGES = ["sv", "fi", "nb", "en"]

# The unit as it must read after the number: (after 1, after 2 or 5).
UNIT_WORDS = {
    "sv": {"days": ("dag", "dagar"), "months": ("månad", "månader"), "years": ("år", "år")},
    "fi": {"days": ("päivän", "päivää"), "months": ("kuukauden", "kuukautta"), "years": ("vuoden", "vuotta")},
    "nb": {"days": ("dag", "dager"), "months": ("måned", "måneder"), "years": ("år", "år")},
    "en": {"days": ("day", "days"), "months": ("month", "months"), "years": ("year", "years")},
}

# A word of each event's phrase, so a sentence is known to name its own event in its own language.
EVENT_WORDS = {
    "sv": {
        "end_of_relationship": "kundförhållandet",
        "last_activity": "senaste aktivitet",
        "end_of_financial_year": "räkenskapsårets",
        "end_of_calendar_year": "kalenderårets",
        "request_received": "togs emot",
        "request_completed": "slutbehandlades",
        "creation": "registrerades",
    },
    "fi": {
        "end_of_relationship": "asiakassuhteen päättymisen jälkeen",
        "last_activity": "viimeisimmän asioinnin jälkeen",
        "end_of_financial_year": "tilikauden päättymisen jälkeen",
        "end_of_calendar_year": "kalenterivuoden päättymisen jälkeen",
        "request_received": "vastaanottamisen jälkeen",
        "request_completed": "käsittelyn päättymisen jälkeen",
        "creation": "tallentamisen jälkeen",
    },
    "nb": {
        "end_of_relationship": "kundeforholdet",
        "last_activity": "siste aktivitet",
        "end_of_financial_year": "regnskapsåret",
        "end_of_calendar_year": "kalenderåret",
        "request_received": "ble mottatt",
        "request_completed": "ferdigbehandlet",
        "creation": "registrert",
    },
    "en": {
        "end_of_relationship": "customer relationship ends",
        "last_activity": "last activity",
        "end_of_financial_year": "financial year",
        "end_of_calendar_year": "calendar year",
        "request_received": "request was received",
        "request_completed": "request was completed",
        "creation": "recorded",
    },
}

# Codes that must never reach a reader: the choices' values (some are English words, so in English
# only those with an underscore can be told apart) and unformatted placeholders.
CODE_WORDS = {*CountsFrom.values, *PeriodUnit.values, *RetentionAction.values}


def _raw_codes_in(sentence: str, language: str) -> list[str]:
    found = [marker for marker in ("_", "%(", "%s") if marker in sentence]
    if language != "en":
        found += sorted(CODE_WORDS & set(sentence.replace(".", " ").split()))
    return found


@pytest.mark.parametrize(
    ("language", "event", "unit", "amount"),
    list(itertools.product(LANGUAGES, CountsFrom.values, PeriodUnit.values, [1, 2, 5])),
)
def test_every_period_sentence_is_whole_and_in_number(language, event, unit, amount):
    with translation.override(language):
        sentence = period_sentence(amount, unit, event)
    singular, plural = UNIT_WORDS[language][unit]
    word = singular if amount == 1 else plural
    assert f" {amount} {word} " in sentence, sentence
    assert EVENT_WORDS[language][event] in sentence, sentence
    assert sentence[0].isupper() and sentence.endswith("."), sentence
    assert not _raw_codes_in(sentence, language), sentence
    if language != "en":
        with translation.override("en"):
            assert sentence != period_sentence(amount, unit, event)


@pytest.mark.parametrize(("language", "event"), list(itertools.product(LANGUAGES, ZERO_PERIOD_EVENTS)))
def test_zero_period_reads_as_until_the_event(language, event):
    with translation.override(language):
        sentence = period_sentence(0, "years", event)
    assert "0" not in sentence
    assert sentence[0].isupper() and sentence.endswith(".")
    assert not _raw_codes_in(sentence, language), sentence


def test_relationship_long_retention_reads_naturally():
    expected = {
        "sv": "Uppgifterna sparas så länge kundförhållandet varar. Därefter raderas de.",
        "fi": "Tiedot säilytetään asiakassuhteen ajan. Sen jälkeen ne poistetaan.",
        "nb": "Opplysningene lagres så lenge kundeforholdet varer. Deretter slettes de.",
        "en": "The data is kept as long as the customer relationship lasts. Then it is deleted.",
    }
    for language, sentence in expected.items():
        with translation.override(language):
            assert retention_sentence(0, "years", "end_of_relationship", "delete") == sentence


def test_the_sentences_the_issue_quoted_are_now_grammatical():
    with translation.override("fi"):
        finnish = retention_sentence(3, "years", "last_activity", "anonymise")
    assert finnish == (
        "Tiedot säilytetään 3 vuotta asiakkaan viimeisimmän asioinnin jälkeen. Sen jälkeen ne anonymisoidaan."
    )
    with translation.override("en"):
        english = period_sentence(1, "months", "end_of_relationship")
    assert english == "The data is kept for 1 month after the customer relationship ends."
    with translation.override("sv"):
        swedish = period_sentence(1, "years", "end_of_financial_year")
    assert swedish == "Uppgifterna sparas i 1 år efter räkenskapsårets slut."


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_action_has_its_own_sentence(language):
    with translation.override(language):
        deleted = retention_sentence(2, "years", "creation", "delete")
        anonymised = retention_sentence(2, "years", "creation", "anonymise")
    assert deleted != anonymised
    assert deleted.count(".") == anonymised.count(".") == 2
