"""Each example register loads, publishes, and its notice shows the seed's facts in every language."""

import pytest
from django.core.management import call_command

from register.models import NoticeVersion, Recipient, Register

pytestmark = pytest.mark.django_db

LANGUAGES = ["sv", "fi", "nb", "en"]

FACTS = {
    "xhome": {
        "all": ["Xhome Oy", "3107541-9", "0440 576 285", "Emma Nykyri", "Google Analytics"],
        "sv": [
            "Kontakten i anslutning till beställningar i webbutiken",
            "Direkt marknadsföring, med kundens tillstånd.",
            "kundens namn, postadress, telefonnummer och e-postadress",
            "besökarens IP-adress, språk, webbläsarens namn och upplösning",
            "lämnas inte ut till tredje parter",
            "säker https-förbindelse",
            "Dataombudsmannens byrå",
        ],
        "fi": [
            "Suoramarkkinointi asiakkaan luvalla.",
            "suojattua https-yhteyttä",
            "Tietosuojavaltuutetun toimisto",
        ],
        "nb": ["Direkte markedsføring, med kundens tillatelse.", "sikker https-forbindelse"],
        "en": ["Direct marketing, with the customer", "secure HTTPS connection"],
    },
    "xmi": {
        "all": ["Xmi OÜ", "16192154", "Pae tn 21", "Tallinna", "Harjumaa", "+372 58817309", "info@xmi.ee"],
        "fi": [
            "Pankkitilinumeroa käytetään tarvittaessa varojen palauttamiseen Asiakkaalle.",
            "Asiakkaan valitsema kuljetuspalvelun tarjoaja",
            "Pankit ja maksukorttikeskus",
            "Itsenäisesti verkkokauppaprofiilissasi",
            "Klikkaamalla sähköpostin alareunassa olevaa linkkiä",
            "Viron tietosuojavirasto (Andmekaitse Inspektsioon)",
        ],
        "sv": [
            "Bankkontonumret används vid behov",
            "Transportföretaget som kunden väljer",
            "Banker och betalkortscentralen",
        ],
        "nb": [
            "Bankkontonummeret brukes ved behov",
            "Transportøren kunden velger",
            "Banker og betalingskortsentralen",
        ],
        "en": [
            "The bank account number is used when needed",
            "The delivery service chosen by the customer",
            "Banks and the payment card centre",
            "Estonian Data Protection Inspectorate",
        ],
    },
    "jalonom": {
        "all": [
            "Jalonom Oy",
            "Jalonom Sweden Ab",
            "Vanha Maantie 1",
            "02650",
            "Kimmo Korkiakoski",
            "asiakaspalvelu@jalonom.fi",
            "kundservice@jalonom.com",
            "0922-10180",
            "+358 9 5127298",
            "tawk.to",
            "Google Analytics",
            "Google Adwords",
            "Facebook",
            "LinkedIn",
            "https://www.tawk.to/data-protection/gdpr/",
            "https://privacy.linkedin.com/gdpr",
        ],
        "sv": [
            "Riskhantering och utbildningsändamål",
            "Profilering av kunder för att marknadsföra och utveckla servicen",
            "Personnummer",
            "lagen om förhindrande av penningtvätt",
            "Personligen genom att besöka vårt kundservicecenter",
            "Skriftlig begäran till den registeransvarige",
        ],
        "fi": ["Riskienhallinta ja koulutustarkoitukset", "Henkilötunnus", "asiakaspalvelupisteessämme"],
        "nb": ["Risikostyring og opplæringsformål", "besøke kundesenteret vårt"],
        "en": ["Risk management and training", "Personal identity number", "customer service centre"],
    },
}


@pytest.mark.parametrize("example", sorted(FACTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_example_notice_contains_the_seed_facts(client, example, language):
    call_command("load_example_register", example, verbosity=0)
    html = client.get(f"/{language}/privacy/").content.decode().replace("&#x27;", "'")
    for fact in FACTS[example]["all"] + FACTS[example][language]:
        assert fact in html, f"{example}/{language}: {fact!r} missing"


@pytest.mark.parametrize("example", sorted(FACTS))
def test_every_purpose_and_recipient_is_in_every_language(client, example):
    call_command("load_example_register", example, verbosity=0)
    version = NoticeVersion.objects.current()
    for language in LANGUAGES:
        html = client.get(f"/{language}/privacy/").content.decode().replace("&#x27;", "'")
        for purpose in version.snapshot["purposes"]:
            assert purpose["text"][language] in html
        for recipient in version.snapshot["recipients"]:
            assert recipient["name"][language] in html


def test_original_language_is_kept_per_seed(db):
    expected = {"xhome": ("sv", "FI"), "xmi": ("fi", "EE"), "jalonom": ("sv", "FI")}
    for example, (language, country) in expected.items():
        call_command("load_example_register", example, verbosity=0)
        register = Register.objects.current()
        assert (register.language, register.country) == (language, country)


def test_loading_again_replaces_content_and_keeps_old_versions(client):
    call_command("load_example_register", "xhome", verbosity=0)
    call_command("load_example_register", "jalonom", verbosity=0)
    assert Register.objects.count() == 1
    assert NoticeVersion.objects.count() == 2
    assert "Xhome Oy" in client.get("/sv/privacy/1/").content.decode()
    current = client.get("/sv/privacy/").content.decode()
    assert "Jalonom Oy" in current and "Xhome Oy" not in current


def test_additions_are_marked_for_staff(db):
    from register.examples import ADDED
    from register.models import RetentionRule

    call_command("load_example_register", "xhome", verbosity=0)
    assert RetentionRule.objects.exists()
    assert all(rule.staff_note == ADDED for rule in RetentionRule.objects.all())
    version = NoticeVersion.objects.current()
    assert ADDED not in version.content["en"]


def test_jalonom_transfers_have_safeguards_and_recipients_are_notifiable(db):
    call_command("load_example_register", "jalonom", verbosity=0)
    outside = Recipient.objects.filter(outside_eea=True)
    assert outside.count() == 4
    assert not any(r.lacks_safeguard() for r in outside)
    names = {r.name_en for r in Recipient.objects.receiving_customer_data()}
    assert "tawk.to" in names
    assert "Buyer in connection with a business transaction" not in names


def test_retention_rules_name_executable_rules(db):
    from register.models import RetentionRule

    call_command("load_example_register", "xmi", verbosity=0)
    assert set(RetentionRule.objects.exclude(rule="").values_list("rule", flat=True)) == {
        "customer_inactive",
        "order_bookkeeping",
    }


def test_jalonoms_customer_data_is_one_rule_over_eight_categories(db):
    from register.models import RetentionRule

    call_command("load_example_register", "jalonom", verbosity=0)
    rule = RetentionRule.objects.get(rule="customer_inactive")
    assert rule.categories.count() == 8
    assert Register.objects.current().missing_for_publication() == []
    notice = NoticeVersion.objects.current().content["fi"]
    assert notice.count("Tiedot säilytetään 3 vuotta asiakkaan viimeisimmän asioinnin jälkeen.") == 1


def test_examples_carry_the_new_facts(db):
    call_command("load_example_register", "xhome", verbosity=0)
    register = Register.objects.current()
    assert register.no_regular_disclosures and not register.recipients.exists()
    assert register.controllers.get().business_id_kind == "y_tunnus"
    assert "FO-nummer: 3107541-9" in NoticeVersion.objects.current().content["sv"]
    assert "Y-tunnus: 3107541-9" in NoticeVersion.objects.current().content["fi"]
    # Loading another example over it leaves nothing of xhome's statement behind.
    call_command("load_example_register", "xmi", verbosity=0)
    register.refresh_from_db()
    assert not register.no_regular_disclosures
    assert register.purposes.filter(needs_recipient_kind="carrier").exists()
    assert register.publishing_languages() == LANGUAGES
