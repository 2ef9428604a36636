"""A breach in the shape of each supervisory authority's notification form, in its language.

The labels follow the questions of the authorities' own breach notification forms (Finland:
Tietosuojavaltuutetun toimisto, in Finnish; Sweden: IMY, in Swedish; Norway: Datatilsynet, in
Norwegian; Estonia: Andmekaitse Inspektsioon, in Estonian), in the order the forms ask them, so
the data-protection officer can paste each answer into the form or attach the text. The labels
are data of the authority, not of the staff member's language, so they are not translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from breaches.models import Breach, BreachNotification
from register.legal import SUPERVISORY_AUTHORITIES

# The language of each authority's form.
FORM_LANGUAGE = {"FI": "fi", "SE": "sv", "NO": "nb", "EE": "et"}

# (key, label) in the form's order; the keys are what ``answers`` fills in.
_KEYS = (
    "kind",
    "controller",
    "contact",
    "occurred",
    "aware",
    "notified",
    "description",
    "data_categories",
    "subject_categories",
    "approx_subjects",
    "approx_records",
    "consequences",
    "measures_taken",
    "measures_proposed",
    "risk",
    "subjects_told",
    "delay",
    "reference",
)

LABELS: dict[str, dict[str, str]] = {
    "fi": dict(
        zip(
            _KEYS,
            (
                "Ilmoituksen tyyppi",
                "Rekisterinpitäjä",
                "Yhteyshenkilö (tietosuojavastaava)",
                "Milloin tietoturvaloukkaus tapahtui",
                "Milloin loukkaus havaittiin",
                "Milloin ilmoitus tehtiin",
                "Kuvaus tietoturvaloukkauksesta",
                "Henkilötietoryhmät",
                "Rekisteröityjen ryhmät",
                "Rekisteröityjen arvioitu lukumäärä",
                "Henkilötietotietueiden arvioitu lukumäärä",
                "Tietoturvaloukkauksen todennäköiset seuraukset",
                "Toteutetut toimenpiteet",
                "Suunnitellut toimenpiteet",
                "Riskinarvio ja sen perustelut",
                "Onko rekisteröidyille ilmoitettu",
                "Viivästyksen syyt (yli 72 tuntia)",
                "Aiemman ilmoituksen diaarinumero",
            ),
            strict=True,
        )
    ),
    "sv": dict(
        zip(
            _KEYS,
            (
                "Typ av anmälan",
                "Personuppgiftsansvarig",
                "Kontaktperson (dataskyddsombud)",
                "När inträffade incidenten",
                "När fick ni kännedom om incidenten",
                "När görs anmälan",
                "Beskrivning av incidenten",
                "Kategorier av personuppgifter",
                "Kategorier av registrerade",
                "Ungefärligt antal registrerade",
                "Ungefärligt antal personuppgiftsposter",
                "Sannolika konsekvenser av incidenten",
                "Vidtagna åtgärder",
                "Planerade åtgärder",
                "Riskbedömning med motivering",
                "Har de registrerade informerats",
                "Skäl till förseningen (mer än 72 timmar)",
                "Diarienummer för tidigare anmälan",
            ),
            strict=True,
        )
    ),
    "nb": dict(
        zip(
            _KEYS,
            (
                "Type melding",
                "Behandlingsansvarlig",
                "Kontaktperson (personvernombud)",
                "Når skjedde bruddet",
                "Når ble dere kjent med bruddet",
                "Når sendes meldingen",
                "Beskrivelse av bruddet",
                "Kategorier personopplysninger",
                "Kategorier registrerte",
                "Omtrentlig antall registrerte",
                "Omtrentlig antall registreringer av personopplysninger",
                "Sannsynlige konsekvenser av bruddet",
                "Tiltak som er iverksatt",
                "Planlagte tiltak",
                "Risikovurdering med begrunnelse",
                "Er de registrerte varslet",
                "Årsak til forsinkelsen (mer enn 72 timer)",
                "Saksnummer for tidligere melding",
            ),
            strict=True,
        )
    ),
    "et": dict(
        zip(
            _KEYS,
            (
                "Teavituse liik",
                "Vastutav töötleja",
                "Kontaktisik (andmekaitsespetsialist)",
                "Millal rikkumine toimus",
                "Millal saite rikkumisest teada",
                "Teavitamise aeg",
                "Rikkumise kirjeldus",
                "Isikuandmete liigid",
                "Andmesubjektide kategooriad",
                "Andmesubjektide ligikaudne arv",
                "Isikuandmete kirjete ligikaudne arv",
                "Rikkumise tõenäolised tagajärjed",
                "Võetud meetmed",
                "Kavandatud meetmed",
                "Riskihinnang ja selle põhjendus",
                "Kas andmesubjekte on teavitatud",
                "Hilinemise põhjused (üle 72 tunni)",
                "Varasema teate viitenumber",
            ),
            strict=True,
        )
    ),
}

# The form's own words for the choices.
WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "initial": "Ensimmäinen ilmoitus",
        "supplementary": "Täydentävä ilmoitus",
        "unknown": "Ei tiedossa",
        "from": "alkaen",
        "to": "asti",
        "yes": "Kyllä",
        "no": "Ei",
        "not_yet": "Ei vielä",
        Breach.Risk.UNASSESSED: "Riskiä ei ole vielä arvioitu",
        Breach.Risk.NO_RISK: "Ei todennäköisesti aiheuta riskiä",
        Breach.Risk.RISK: "Riski rekisteröityjen oikeuksille ja vapauksille",
        Breach.Risk.HIGH_RISK: "Korkea riski rekisteröityjen oikeuksille ja vapauksille",
        "title": "Ilmoitus henkilötietojen tietoturvaloukkauksesta",
    },
    "sv": {
        "initial": "Första anmälan",
        "supplementary": "Kompletterande anmälan",
        "unknown": "Okänt",
        "from": "från",
        "to": "till",
        "yes": "Ja",
        "no": "Nej",
        "not_yet": "Inte ännu",
        Breach.Risk.UNASSESSED: "Risken är ännu inte bedömd",
        Breach.Risk.NO_RISK: "Medför sannolikt ingen risk",
        Breach.Risk.RISK: "Risk för de registrerades rättigheter och friheter",
        Breach.Risk.HIGH_RISK: "Hög risk för de registrerades rättigheter och friheter",
        "title": "Anmälan av personuppgiftsincident",
    },
    "nb": {
        "initial": "Første melding",
        "supplementary": "Oppfølgende melding",
        "unknown": "Ukjent",
        "from": "fra",
        "to": "til",
        "yes": "Ja",
        "no": "Nei",
        "not_yet": "Ikke ennå",
        Breach.Risk.UNASSESSED: "Risikoen er ikke vurdert ennå",
        Breach.Risk.NO_RISK: "Medfører sannsynligvis ingen risiko",
        Breach.Risk.RISK: "Risiko for de registrertes rettigheter og friheter",
        Breach.Risk.HIGH_RISK: "Høy risiko for de registrertes rettigheter og friheter",
        "title": "Melding om brudd på personopplysningssikkerheten",
    },
    "et": {
        "initial": "Esmane teavitus",
        "supplementary": "Täiendav teavitus",
        "unknown": "Teadmata",
        "from": "alates",
        "to": "kuni",
        "yes": "Jah",
        "no": "Ei",
        "not_yet": "Veel mitte",
        Breach.Risk.UNASSESSED: "Riski ei ole veel hinnatud",
        Breach.Risk.NO_RISK: "Tõenäoliselt ei kaasne riski",
        Breach.Risk.RISK: "Risk andmesubjektide õigustele ja vabadustele",
        Breach.Risk.HIGH_RISK: "Suur risk andmesubjektide õigustele ja vabadustele",
        "title": "Teavitus isikuandmetega seotud rikkumisest",
    },
}


@dataclass
class Form:
    country: str
    language: str
    authority: str
    title: str
    rows: list[tuple[str, str]]

    def as_text(self) -> str:
        lines = [self.title, self.authority, ""]
        for label, value in self.rows:
            lines.append(f"{label}:")
            lines.extend(f"  {line}" for line in (value or "–").splitlines() or ["–"])
            lines.append("")
        return "\n".join(lines)


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z") if moment else ""


def _occurred(breach: Breach, words: dict[str, str]) -> str:
    if breach.occurred_unknown or not (breach.occurred_from or breach.occurred_to):
        return words["unknown"]
    parts = []
    if breach.occurred_from:
        parts.append(f"{words['from']} {_when(breach.occurred_from)}")
    if breach.occurred_to:
        parts.append(f"{words['to']} {_when(breach.occurred_to)}")
    return " ".join(parts)


def authority_form(breach: Breach, country: str, notification: BreachNotification | None = None) -> Form:
    """The answers of ``country``'s breach notification form, labelled in the form's language.

    ``notification`` is the stage being prepared (default: a supplementary one when the initial
    notification is recorded, else the initial one).
    """
    language = FORM_LANGUAGE[country]
    labels, words = LABELS[language], WORDS[language]
    from requests.notice import controller

    info = controller()
    initial = breach.initial_notification()
    stage = notification.stage if notification else ("supplementary" if initial else "initial")
    notified_at = notification.notified_at if notification else None
    delay = (notification.delay_reasons if notification else "") or (initial.delay_reasons if initial else "")
    if breach.subjects_notified_at:
        told = f"{words['yes']}: {_when(breach.subjects_notified_at)}"
    elif breach.subjects_not_notified_reason:
        told = f"{words['no']}: {breach.subjects_not_notified_reason}"
    else:
        told = words["not_yet"]
    values = {
        "kind": words[stage],
        "controller": "\n".join(
            v for v in (info["name"], info["address"], info["email"], info["phone"]) if v
        ),
        "contact": breach.dpo_contact,
        "occurred": _occurred(breach, words),
        "aware": _when(breach.aware_at),
        "notified": _when(notified_at or timezone.now()),
        "description": breach.description,
        "data_categories": breach.data_categories,
        "subject_categories": breach.subject_categories,
        "approx_subjects": "" if breach.approx_subjects is None else str(breach.approx_subjects),
        "approx_records": "" if breach.approx_records is None else str(breach.approx_records),
        "consequences": breach.consequences,
        "measures_taken": breach.measures_taken,
        "measures_proposed": breach.measures_proposed,
        "risk": "\n".join(v for v in (words[breach.risk], breach.risk_reasoning) if v),
        "subjects_told": told,
        "delay": delay,
        "reference": initial.reference if initial and stage == "supplementary" else "",
    }
    authority = SUPERVISORY_AUTHORITIES[country]
    name = authority.names.get(language) or authority.names.get("en", "")
    if language == "et":
        name = "Andmekaitse Inspektsioon (AKI)"
    return Form(
        country=country,
        language=language,
        authority=name,
        title=f"{words['title']} – {breach.number}",
        rows=[(labels[key], values[key]) for key in _KEYS],
    )
