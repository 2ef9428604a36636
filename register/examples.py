"""The three example registers (see the seed documents), as data for ``load_example_register``.

Texts are written in the seed's original language and translated into the other three.
Items the seed does not state but GDPR Art. 13 requires for publishing carry ``ADDED`` as
their staff note, so staff can see they were not in the original.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from register.models import (
    Channel,
    ContactPerson,
    Controller,
    Cookie,
    DataCategory,
    NoticeVersion,
    ProtectionPrinciple,
    Purpose,
    Recipient,
    Register,
    RetentionRule,
    Right,
    RightsChannel,
    Source,
)
from register.publishing import publish
from register.translation import LANGUAGE_CODES

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


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


def inactive(category: str, years: int = 3, rule: str = "", **extra: Any) -> dict[str, Any]:
    """Customer data kept for ``years`` after the customer's last activity, then deleted."""
    return {
        "category": category,
        "period_amount": years,
        "period_unit": "years",
        "counts_from": "last_activity",
        "action": "delete",
        "rule": rule,
        "staff_note": ADDED,
        **extra,
    }


def months_from_creation(category: str, months: int) -> dict[str, Any]:
    return {
        "category": category,
        "period_amount": months,
        "period_unit": "months",
        "counts_from": "creation",
        "action": "delete",
        "staff_note": ADDED,
    }


# --- 000: Xhome Oy (Finland, written in Swedish) ---------------------------------------------

XHOME: dict[str, Any] = {
    "register": {
        "country": "FI",
        "language": "sv",
        "staff_note": "Loaded from the example description of Xhome Oy. The retention rules, the "
        "automated-decision statement and the rights channels were added (GDPR Art. 13(2)).",
        "name": t("Kundregister", "Asiakasrekisteri", "Kunderegister", "Customer register"),
        "intro": t(
            "Dataskyddsbeskrivning för Xhome Oy:s kundregister.",
            "Xhome Oy:n asiakasrekisterin tietosuojaseloste.",
            "Personvernerklæring for kunderegisteret til Xhome Oy.",
            "Privacy notice for the customer register of Xhome Oy.",
        ),
        "data_subjects": t(
            "De som har lämnat ut sina uppgifter till registret står i kundförhållande till den "
            "registeransvarige.",
            "Rekisteriin tietonsa luovuttaneet ovat asiakassuhteessa rekisterinpitäjään.",
            "De som har gitt opplysningene sine til registeret, står i et kundeforhold til den "
            "behandlingsansvarlige.",
            "Those who have provided their data to the register are in a customer relationship with the "
            "controller.",
        ),
        "disclosures": t(
            "Uppgifterna i registret används endast för att sköta den personuppgiftsansvariges "
            "kundrelationer och uppgifterna lämnas inte ut till tredje parter.",
            "Rekisterin tietoja käytetään ainoastaan rekisterinpitäjän asiakassuhteiden hoitamiseen, eikä "
            "tietoja luovuteta kolmansille osapuolille.",
            "Opplysningene i registeret brukes bare til å ivareta den behandlingsansvarliges "
            "kunderelasjoner, og opplysningene utleveres ikke til tredjeparter.",
            "The data in the register is used only to manage the controller's customer relationships and "
            "is not disclosed to third parties.",
        ),
        "transfers": t(
            "Den personuppgiftsansvarige lämnar inte ut uppgifter ur kundregistret utanför EU eller EES.",
            "Rekisterinpitäjä ei luovuta asiakasrekisterin tietoja EU:n tai ETA:n ulkopuolelle.",
            "Den behandlingsansvarlige utleverer ikke opplysninger fra kunderegisteret utenfor EU eller EØS.",
            "The controller does not disclose data from the customer register outside the EU or EEA.",
        ),
        "cookies_intro": t(
            "En kaka (cookie) är en liten textfil som webbläsaren sparar på användarens enhet. Kakor "
            "används till exempel när man vill spara användarens uppgifter när användaren förflyttar sig "
            "från en webbplats till en annan. Syftet med kakorna på den här webbplatsen är att underlätta "
            "och påskynda uträttandet av ärenden genom att spara uppgifter i användarens webbläsare samt "
            "butikens sessionskod.",
            "Eväste on pieni tekstitiedosto, jonka selain tallentaa käyttäjän laitteelle. Evästeitä "
            "käytetään esimerkiksi silloin, kun käyttäjän tiedot halutaan säilyttää käyttäjän siirtyessä "
            "sivustolta toiselle. Tämän sivuston evästeiden tarkoitus on helpottaa ja nopeuttaa asiointia "
            "tallentamalla tietoja käyttäjän selaimeen sekä kaupan istuntotunnisteen.",
            "En informasjonskapsel (cookie) er en liten tekstfil som nettleseren lagrer på brukerens "
            "enhet. Informasjonskapsler brukes for eksempel når man vil ta vare på brukerens opplysninger "
            "når brukeren går fra ett nettsted til et annet. Formålet med informasjonskapslene på dette "
            "nettstedet er å gjøre det enklere og raskere å handle ved å lagre opplysninger i brukerens "
            "nettleser samt butikkens øktkode.",
            "A cookie is a small text file that the browser stores on the user's device. Cookies are used, "
            "for example, to keep the user's data when the user moves from one website to another. The "
            "cookies on this website make it easier and quicker to do business with us by storing data in "
            "the user's browser and the shop's session code.",
        ),
        "provision_requirement": t(
            "Kundens namn, postadress, telefonnummer och e-postadress är nödvändiga grundläggande "
            "uppgifter för att hantera, fakturera och leverera beställningen eller svara på blanketterna.",
            "Asiakkaan nimi, postiosoite, puhelinnumero ja sähköpostiosoite ovat välttämättömiä "
            "perustietoja tilauksen käsittelemiseksi, laskuttamiseksi ja toimittamiseksi tai lomakkeisiin "
            "vastaamiseksi.",
            "Kundens navn, postadresse, telefonnummer og e-postadresse er nødvendige grunnopplysninger for "
            "å behandle, fakturere og levere bestillingen eller svare på skjemaene.",
            "The customer's name, postal address, phone number and email address are necessary basic data "
            "for handling, invoicing and delivering the order or answering the forms.",
        ),
        "automated_decisions": t(
            "Vi fattar inga automatiserade beslut och profilerar inte kunder.",
            "Emme tee automaattisia päätöksiä emmekä profiloi asiakkaita.",
            "Vi treffer ingen automatiserte avgjørelser og profilerer ikke kunder.",
            "We make no automated decisions and do not profile customers.",
        ),
    },
    "controllers": [
        {
            "name": "Xhome Oy",
            "business_id": "3107541-9",
            "business_id_kind": "fo_nummer",
            "country": "FI",
            "phone": "0440 576 285",
            "staff_note": "The phone number is from the “Kontakta oss” section of the original page; "
            "the page states no postal address.",
        }
    ],
    "contacts": [
        {
            "name": "Emma Nykyri",
            "role": "contact",
            "phones": "0440 576 285",
            "staff_note": "The original page hid the email address (“[email protected]”); add it here.",
        }
    ],
    "purposes": [
        {
            "key": "orders",
            "text": t(
                "Kontakten i anslutning till beställningar i webbutiken: att hantera, fakturera och "
                "leverera beställningen.",
                "Verkkokaupan tilauksiin liittyvä yhteydenpito: tilauksen käsittely, laskutus ja toimitus.",
                "Kontakten i forbindelse med bestillinger i nettbutikken: å behandle, fakturere og levere "
                "bestillingen.",
                "Contact in connection with orders in the online shop: handling, invoicing and delivering "
                "the order.",
            ),
            "legal_basis": "b",
        },
        {
            "key": "forms",
            "text": t(
                "Kontakt via blanketter på webbplatsen (anbudsbegäran och responsblanketten).",
                "Yhteydenpito verkkosivuston lomakkeiden kautta (tarjouspyyntö ja palautelomake).",
                "Kontakt via skjemaer på nettstedet (tilbudsforespørsel og tilbakemeldingsskjema).",
                "Contact through the forms on the website (request for quotation and feedback form).",
            ),
            "legal_basis": "f",
            "legitimate_interest": t(
                "Att kunna svara på anbudsbegäran och respons som kunden själv har skickat.",
                "Asiakkaan itse lähettämiin tarjouspyyntöihin ja palautteisiin vastaaminen.",
                "Å kunne svare på tilbudsforespørsler og tilbakemeldinger kunden selv har sendt.",
                "Being able to answer requests for quotation and feedback the customer has sent.",
            ),
            "staff_note": "Legal basis added: the original states none.",
        },
        {
            "key": "marketing",
            "text": t(
                "Direkt marknadsföring, med kundens tillstånd.",
                "Suoramarkkinointi asiakkaan luvalla.",
                "Direkte markedsføring, med kundens tillatelse.",
                "Direct marketing, with the customer's permission.",
            ),
            "legal_basis": "a",
            "is_direct_marketing": True,
        },
        {
            "key": "statistics",
            "text": t(
                "Besöksstatistik för webbplatsen med Google Analytics.",
                "Verkkosivuston kävijätilastot Google Analyticsin avulla.",
                "Besøksstatistikk for nettstedet med Google Analytics.",
                "Visitor statistics for the website with Google Analytics.",
            ),
            "legal_basis": "a",
            "staff_note": "Purpose and legal basis added: the original only says what Google Analytics "
            "collects.",
        },
        {
            "key": "bookkeeping",
            "text": t(
                "Bokföring av beställningar och fakturor.",
                "Tilausten ja laskujen kirjanpito.",
                "Bokføring av bestillinger og fakturaer.",
                "Bookkeeping of orders and invoices.",
            ),
            "legal_basis": "c",
            "basis_detail": t(
                "Kirjanpitolaki (bokföringslagen) 1336/1997",
                "Kirjanpitolaki 1336/1997",
                "Den finske bokføringsloven (kirjanpitolaki 1336/1997)",
                "Finnish Accounting Act 1336/1997",
            ),
            "staff_note": ADDED,
        },
    ],
    "categories": [
        {
            "key": "contact",
            "name": t("Kontaktuppgifter", "Yhteystiedot", "Kontaktopplysninger", "Contact details"),
            "description": t(
                "kundens namn, postadress, telefonnummer och e-postadress",
                "asiakkaan nimi, postiosoite, puhelinnumero ja sähköpostiosoite",
                "kundens navn, postadresse, telefonnummer og e-postadresse",
                "the customer's name, postal address, phone number and email address",
            ),
            "purposes": ["orders", "forms", "marketing", "bookkeeping"],
        },
        {
            "key": "orders",
            "name": t("Beställningshistorik", "Tilaushistoria", "Bestillingshistorikk", "Order history"),
            "description": t(
                "kundens beställningshistorik, behandlingen av beställningar samt eventuella återlämnanden "
                "av varor",
                "asiakkaan tilaushistoria, tilausten käsittely sekä mahdolliset tuotepalautukset",
                "kundens bestillingshistorikk, behandlingen av bestillinger og eventuelle returer av varer",
                "the customer's order history, the handling of orders and any returns of goods",
            ),
            "purposes": ["orders", "bookkeeping"],
        },
        {
            "key": "forms",
            "name": t(
                "Uppgifter i blanketter",
                "Lomakkeiden tiedot",
                "Opplysninger i skjemaer",
                "Data in forms",
            ),
            "description": t(
                "det kunden skriver i anbudsbegäran eller responsblanketten",
                "mitä asiakas kirjoittaa tarjouspyyntöön tai palautelomakkeeseen",
                "det kunden skriver i tilbudsforespørselen eller tilbakemeldingsskjemaet",
                "what the customer writes in the request for quotation or the feedback form",
            ),
            "purposes": ["forms"],
        },
        {
            "key": "analytics",
            "name": t(
                "Uppgifter som Google Analytics samlar in",
                "Google Analyticsin keräämät tiedot",
                "Opplysninger som Google Analytics samler inn",
                "Data collected by Google Analytics",
            ),
            "description": t(
                "besökarens IP-adress, språk, webbläsarens namn och upplösning",
                "kävijän IP-osoite, kieli, selaimen nimi ja näytön tarkkuus",
                "besøkendes IP-adresse, språk, nettleserens navn og oppløsning",
                "the visitor's IP address, language, browser name and screen resolution",
            ),
            "provided_by_customer": False,
            "purposes": ["statistics"],
        },
    ],
    "sources": [
        t(
            "Kunden själv, när hen beställer produkter från webbutiken och/eller registrerar sig som kund.",
            "Asiakas itse tilatessaan tuotteita verkkokaupasta ja/tai rekisteröityessään asiakkaaksi.",
            "Kunden selv, når hen bestiller produkter fra nettbutikken og/eller registrerer seg som kunde.",
            "The customer, when ordering products from the online shop and/or registering as a customer.",
        ),
        t(
            "Kunden själv, när hen fyller i anbudsbegäran eller responsblanketten.",
            "Asiakas itse täyttäessään tarjouspyynnön tai palautelomakkeen.",
            "Kunden selv, når hen fyller ut tilbudsforespørselen eller tilbakemeldingsskjemaet.",
            "The customer, when filling in the request for quotation or the feedback form.",
        ),
        t(
            "Besökarens webbläsare, via Google Analytics.",
            "Kävijän selain Google Analyticsin kautta.",
            "Besøkendes nettleser, via Google Analytics.",
            "The visitor's browser, through Google Analytics.",
        ),
    ],
    "recipients": [],
    "cookies": [
        {
            "provider": "Xhome",
            "name": "session",
            "category": "necessary",
            "purpose": t(
                "Butikens sessionskod: underlättar och påskyndar uträttandet av ärenden.",
                "Kaupan istuntotunniste: helpottaa ja nopeuttaa asiointia.",
                "Butikkens øktkode: gjør det enklere og raskere å handle.",
                "The shop's session code: makes doing business easier and quicker.",
            ),
            "duration": t("Sessionen", "Istunnon ajan", "Økten", "Session"),
        },
        {
            "provider": "Google Analytics",
            "category": "analytics",
            "purpose": t(
                "Samlar besökarens IP-adress, språk, webbläsarens namn och upplösning.",
                "Kerää kävijän IP-osoitteen, kielen, selaimen nimen ja näytön tarkkuuden.",
                "Samler besøkendes IP-adresse, språk, nettleserens navn og oppløsning.",
                "Collects the visitor's IP address, language, browser name and screen resolution.",
            ),
        },
    ],
    "protections": [
        t(
            "På den personuppgiftsansvariges webbplats används en säker https-förbindelse.",
            "Rekisterinpitäjän verkkosivustolla käytetään suojattua https-yhteyttä.",
            "Den behandlingsansvarliges nettsted bruker en sikker https-forbindelse.",
            "The controller's website uses a secure HTTPS connection.",
        ),
        t(
            "Alla uppgifter i registret har sparats på en skyddad server och säkerhetskopierats till en "
            "annan.",
            "Kaikki rekisterin tiedot on tallennettu suojatulle palvelimelle ja varmuuskopioitu toiselle.",
            "Alle opplysninger i registeret er lagret på en beskyttet server og sikkerhetskopiert til en "
            "annen.",
            "All data in the register is stored on a protected server and backed up to another.",
        ),
        t(
            "Servrarnas datasäkerhet är alltid uppdaterad.",
            "Palvelinten tietoturva pidetään aina ajan tasalla.",
            "Serverens datasikkerhet er alltid oppdatert.",
            "The servers' security is always kept up to date.",
        ),
        t(
            "Endast utvalda nyckelpersoner har åtkomst till uppgifterna, och granskning av uppgifterna "
            "kräver inloggning i systemet med användarnamn och lösenord.",
            "Vain valituilla avainhenkilöillä on pääsy tietoihin, ja tietojen tarkastelu edellyttää "
            "kirjautumista järjestelmään käyttäjätunnuksella ja salasanalla.",
            "Bare utvalgte nøkkelpersoner har tilgang til opplysningene, og innsyn i opplysningene krever "
            "innlogging i systemet med brukernavn og passord.",
            "Only selected key people have access to the data, and viewing it requires logging in to the "
            "system with a username and password.",
        ),
    ],
    "retention": [
        inactive("contact", rule="customer_inactive"),
        {
            "category": "orders",
            "period_amount": 6,
            "period_unit": "years",
            "counts_from": "end_of_calendar_year",
            "action": "anonymise",
            "rule": "order_bookkeeping",
            "description": FI_BOOKKEEPING,
            "staff_note": ADDED,
        },
        inactive("forms"),
        months_from_creation("analytics", 14),
    ],
    "rights": [
        {"right": right, "channel": channel, "value": value, "note": note, "staff_note": ADDED}
        for right in Right
        for channel, value, note in (
            (Channel.WEB_FORM, "", WEB_FORM),
            (Channel.PHONE, "0440 576 285", None),
        )
    ],
}


# --- 001: Xmi OÜ (Estonia, written in Finnish) -----------------------------------------------

XMI_EMAIL = "info@xmi.ee"
XMI_PHONE = "+372 58817309"
CONTRACT = t(
    "Avtalet mellan kunden och webbutiken",
    "Asiakkaan ja verkkokaupan välinen sopimus",
    "Avtalen mellom kunden og nettbutikken",
    "The contract between the customer and the online shop",
)
OWN_ACCOUNT = t(
    "Själv i din profil i webbutiken",
    "Itsenäisesti verkkokauppaprofiilissasi",
    "Selv i profilen din i nettbutikken",
    "Yourself in your online shop profile",
)
FEEDBACK_FORM = t(
    "Via responsformuläret i avsnittet Kontaktuppgifter på Xmi.ee-butikens webbplats",
    "Palautelomakkeella Xmi.ee-myymälän verkkosivujen Yhteystiedot-osiossa",
    "Via tilbakemeldingsskjemaet under Kontakt på nettsidene til Xmi.ee-butikken",
    "Through the feedback form in the Contact section of the Xmi.ee shop website",
)
UNSUBSCRIBE = t(
    "Genom att klicka på länken längst ned i e-postmeddelandet",
    "Klikkaamalla sähköpostin alareunassa olevaa linkkiä",
    "Ved å klikke på lenken nederst i e-posten",
    "By clicking the link at the bottom of the email",
)


def _xmi_rights() -> list[dict[str, Any]]:
    email = (Channel.EMAIL, XMI_EMAIL, None)
    phone = (Channel.PHONE, XMI_PHONE, None)
    table = {
        # "Tutustuminen henkilötietoihin ja niiden muutokseen": three ways.
        Right.ACCESS: [(Channel.OWN_ACCOUNT, "", OWN_ACCOUNT), email, phone],
        Right.RECTIFICATION: [(Channel.OWN_ACCOUNT, "", OWN_ACCOUNT), email, phone],
        # "Henkilötietojen poistaminen": email, phone, feedback form.
        Right.ERASURE: [email, phone, (Channel.WEB_FORM, "", FEEDBACK_FORM)],
        # "Suoramarkkinointi": the link in the email, support by email or phone.
        Right.WITHDRAWAL: [(Channel.UNSUBSCRIBE_LINK, "", UNSUBSCRIBE), email, phone],
        Right.OBJECTION: [(Channel.UNSUBSCRIBE_LINK, "", UNSUBSCRIBE), email, phone],
    }
    rows = []
    for right in Right:
        channels = table.get(right)
        note = "" if channels else ADDED
        for channel, value, text in channels or [email, phone]:
            rows.append(
                {"right": right, "channel": channel, "value": value, "note": text, "staff_note": note}
            )
    return rows


XMI: dict[str, Any] = {
    "register": {
        "country": "EE",
        "language": "fi",
        "staff_note": "Loaded from the example description of Xmi OÜ. The register name, sources, transfer "
        "statement, automated-decision statement, retention rules and the channels for restriction and "
        "portability were added (GDPR Art. 13).",
        "name": t(
            "Kundregister för webbutiken Xmi.ee",
            "Xmi.ee-verkkokaupan asiakasrekisteri",
            "Kunderegister for nettbutikken Xmi.ee",
            "Customer register of the Xmi.ee online shop",
        ),
        "intro": t(
            "Xmi OÜ ansvarar för behandlingen av personuppgifter i webbutiken Xmi.ee. När du registrerar "
            "ett användarkonto eller på annat sätt använder Xmi OÜ:s webbplats eller mobilapp ska du "
            "bekräfta att du har läst och förstått denna integritetspolicy. Läs denna integritetspolicy "
            "noggrant, eftersom den beskriver hur vi samlar in, använder, lagrar och behandlar dina "
            "personuppgifter.",
            "Xmi OÜ vastaa Xmi.ee verkkokaupan henkilötietojen käsittelystä. Kun rekisteröit käyttäjätiliä "
            "tai muuten käytät Xmi OÜ -verkkosivustoa tai mobiilisovellusta, sinun tulee vahvistaa, että "
            "olet lukenut ja ymmärtänyt tämän tietosuojakäytännön. Lue tämä tietosuojakäytäntö "
            "huolellisesti, sillä se kuvaa, kuinka keräämme, käytämme, säilytämme ja käsittelemme "
            "henkilötietojasi.",
            "Xmi OÜ er ansvarlig for behandlingen av personopplysninger i nettbutikken Xmi.ee. Når du "
            "registrerer en brukerkonto eller på annen måte bruker nettstedet eller mobilappen til Xmi OÜ, "
            "må du bekrefte at du har lest og forstått denne personvernerklæringen. Les denne "
            "personvernerklæringen nøye, fordi den beskriver hvordan vi samler inn, bruker, lagrer og "
            "behandler personopplysningene dine.",
            "Xmi OÜ is responsible for processing personal data in the Xmi.ee online shop. When you "
            "register a user account or otherwise use the Xmi OÜ website or mobile app, you must confirm "
            "that you have read and understood this privacy policy. Please read this privacy policy "
            "carefully, as it describes how we collect, use, store and process your personal data.",
        ),
        "data_subjects": t(
            "Kunder och användare av webbutiken Xmi.ee som registrerar ett användarkonto eller på annat "
            "sätt använder webbplatsen eller mobilappen.",
            "Xmi.ee-verkkokaupan asiakkaat ja käyttäjät, jotka rekisteröivät käyttäjätilin tai muuten "
            "käyttävät verkkosivustoa tai mobiilisovellusta.",
            "Kunder og brukere av nettbutikken Xmi.ee som registrerer en brukerkonto eller på annen måte "
            "bruker nettstedet eller mobilappen.",
            "Customers and users of the Xmi.ee online shop who register a user account or otherwise use the "
            "website or mobile app.",
        ),
        "disclosures": t(
            "För att kunna erbjuda kunden önskade produkter och tjänster kan vi lämna ut vissa uppgifter "
            "som vi samlat in och lagrat till tredje parter.",
            "Voidaksemme tarjota Asiakkaalle haluttuja tuotteita ja palveluita, voimme antaa kolmansille "
            "osapuolille tiettyjä keräämiämme ja tallentamiamme tietoja.",
            "For å kunne tilby kunden ønskede produkter og tjenester kan vi utlevere visse opplysninger "
            "som vi har samlet inn og lagret, til tredjeparter.",
            "To provide the customer with the products and services they want, we may pass certain data "
            "we have collected and stored to third parties.",
        ),
        "transfers": t(
            "Vi överför inte personuppgifter utanför EU eller EES.",
            "Emme siirrä henkilötietoja EU:n tai ETA:n ulkopuolelle.",
            "Vi overfører ikke personopplysninger utenfor EU eller EØS.",
            "We do not transfer personal data outside the EU or EEA.",
        ),
        "provision_requirement": t(
            "Överföringen av kundens personuppgifter är nödvändig för att beställningen ska kunna "
            "genomföras korrekt.",
            "Asiakkaan henkilötietojen siirtäminen on pakollista tilauksen asianmukaisen toteuttamisen "
            "kannalta.",
            "Overføringen av kundens personopplysninger er nødvendig for at bestillingen skal kunne "
            "gjennomføres riktig.",
            "Passing on the customer's personal data is necessary for the order to be fulfilled properly.",
        ),
        "automated_decisions": t(
            "Vi fattar inga automatiserade beslut om kunder som har rättsliga eller liknande följder.",
            "Emme tee asiakkaista automaattisia päätöksiä, joilla olisi oikeudellisia tai vastaavia "
            "vaikutuksia.",
            "Vi treffer ingen automatiserte avgjørelser om kunder som har rettslige eller tilsvarende "
            "virkninger.",
            "We make no automated decisions about customers that have legal or similarly significant "
            "effects.",
        ),
        "rights_intro": t(
            "Kunden har rätt att kräva att vi slutar behandla hans eller hennes personuppgifter och "
            "raderar dem på begäran.",
            "Asiakkaalla on oikeus vaatia, että lopetamme hänen henkilötietojensa käsittelyn ja poistamme "
            "ne pyynnöstä.",
            "Kunden har rett til å kreve at vi slutter å behandle personopplysningene hans eller hennes og "
            "sletter dem på forespørsel.",
            "The customer has the right to demand that we stop processing their personal data and delete "
            "it on request.",
        ),
    },
    "controllers": [
        {
            "name": "Xmi OÜ",
            "business_id": "16192154",
            "business_id_kind": "registrikood",
            "street_address": "Pae tn 21",
            "city": "Tallinna",
            "region": "Harjumaa",
            "country": "EE",
            "phone": XMI_PHONE,
            "email": XMI_EMAIL,
            "website": "https://xmi.ee",
        }
    ],
    "contacts": [
        {
            "name": "Xmi.ee asiakastuki",
            "role": "contact",
            "emails": XMI_EMAIL,
            "phones": XMI_PHONE,
            "staff_note": "The original names no person; it names the support service (“tukipalvelu”).",
        }
    ],
    "purposes": [
        {
            "key": "delivery",
            "text": t(
                "Namn, telefonnummer, e-postadress och leveransadress används för att leverera varor till "
                "kunden, hantera kundens beställningar och ge kunderna support.",
                "Nimeä, puhelinnumeroa, sähköpostiosoitetta ja toimitusosoitetta käytetään tavaroiden "
                "toimittamiseen Asiakkaalle ja hänen tilaustensa hoitamiseen sekä tuen tarjoamiseen "
                "asiakkaille.",
                "Navn, telefonnummer, e-postadresse og leveringsadresse brukes til å levere varer til "
                "kunden, håndtere kundens bestillinger og gi kundene støtte.",
                "Name, phone number, email address and delivery address are used to deliver goods to the "
                "customer, handle their orders and provide customer support.",
            ),
            "legal_basis": "b",
            "basis_detail": CONTRACT,
        },
        {
            "key": "refunds",
            "text": t(
                "Bankkontonumret används vid behov för att återbetala pengar till kunden.",
                "Pankkitilinumeroa käytetään tarvittaessa varojen palauttamiseen Asiakkaalle.",
                "Bankkontonummeret brukes ved behov til å tilbakebetale penger til kunden.",
                "The bank account number is used when needed to refund money to the customer.",
            ),
            "legal_basis": "b",
            "basis_detail": CONTRACT,
        },
        {
            "key": "history",
            "text": t(
                "Köphistoriken används för att analysera kundens preferenser för att ge bästa möjliga "
                "service samt för att sammanställa en översikt över köpta produkter och tjänster.",
                "Ostohistoriatietoja käytetään Asiakkaan mieltymysten analysointiin parhaan palvelun "
                "saamiseksi sekä yleiskatsauksen laatimiseen ostetuista tuotteista ja palveluista.",
                "Kjøpshistorikken brukes til å analysere kundens preferanser for å gi best mulig service og "
                "til å lage en oversikt over kjøpte produkter og tjenester.",
                "Purchase history is used to analyse the customer's preferences so as to give the best "
                "service and to compile an overview of the products and services bought.",
            ),
            "legal_basis": "b",
            "basis_detail": CONTRACT,
        },
        {
            "key": "ip",
            "text": t(
                "Webbutiksanvändarens IP-adress behandlas för att tillhandahålla webbutikens tjänst som en "
                "informationssamhällets tjänst och för statistik över internetanvändningen.",
                "Verkkokaupan käyttäjän IP-osoitetta käsitellään verkkokaupan palvelun tarjoamiseksi osana "
                "tietoyhteiskuntaa sekä Internetin käytön tilastointia varten.",
                "IP-adressen til nettbutikkens bruker behandles for å levere nettbutikkens tjeneste som en "
                "informasjonssamfunnstjeneste og for statistikk over internettbruken.",
                "The IP address of the shop's user is processed to provide the online shop as an "
                "information society service and for statistics on internet use.",
            ),
            "legal_basis": "b",
            "basis_detail": CONTRACT,
        },
        {
            "key": "cookies",
            "text": t(
                "Genom att behandla kakor kan vi erbjuda våra kunder en optimal upplevelse av webbplatsen; "
                "kakorna hjälper till exempel att komma ihåg kundens tidigare besök och de val kunden gjort "
                "på webbplatsen.",
                "Evästeiden käsittely antaa meille mahdollisuuden tarjota asiakkaillemme optimaalisen "
                "verkkosivustokokemuksen; esimerkiksi evästeet auttavat muistamaan Asiakkaan aikaisemmat "
                "vierailut ja hänen sivustolla tekemänsä valinnat.",
                "Behandlingen av informasjonskapsler gjør det mulig for oss å gi kundene en optimal "
                "opplevelse av nettstedet; informasjonskapslene hjelper for eksempel med å huske kundens "
                "tidligere besøk og valgene kunden har gjort på nettstedet.",
                "Processing cookies lets us offer our customers the best website experience; for example, "
                "cookies help remember the customer's earlier visits and the choices they made on the site.",
            ),
            "legal_basis": "b",
            "basis_detail": CONTRACT,
        },
        {
            "key": "legal",
            "text": t(
                "Att fullgöra rättsliga förpliktelser (konsumenttvister, bokföring m.m.).",
                "Lakisääteisen velvoitteen täyttäminen (kuluttajariidat, kirjanpito jne.).",
                "Å oppfylle rettslige forpliktelser (forbrukertvister, bokføring osv.).",
                "Meeting legal obligations (consumer disputes, bookkeeping, etc.).",
            ),
            "legal_basis": "c",
        },
        {
            "key": "marketing",
            "text": t(
                "Kundens e-postadress och telefonnummer används för att skicka kampanjmeddelanden i "
                "direktmarknadsföring endast om kunden har gett sitt samtycke till det.",
                "Asiakkaan sähköpostiosoitetta ja puhelinnumeroa saamme käyttää promootioviestien "
                "lähettämiseen suoramarkkinoinnin yhteydessä vain, jos asiakas on antanut siihen "
                "suostumuksensa.",
                "Kundens e-postadresse og telefonnummer brukes til å sende kampanjemeldinger i direkte "
                "markedsføring bare dersom kunden har samtykket til det.",
                "The customer's email address and phone number are used to send promotional messages as "
                "direct marketing only if the customer has consented.",
            ),
            "legal_basis": "a",
            "is_direct_marketing": True,
        },
    ],
    "categories": [
        {
            "key": "contact",
            "name": t(
                "Namn, telefonnummer och e-postadress",
                "Nimi, puhelinnumero ja sähköpostiosoite",
                "Navn, telefonnummer og e-postadresse",
                "Name, phone number and email address",
            ),
            "purposes": ["delivery", "marketing", "legal"],
        },
        {
            "key": "address",
            "name": t(
                "Leveransadress för varor",
                "Tavaroiden toimitusosoite",
                "Leveringsadresse for varer",
                "Delivery address for goods",
            ),
            "purposes": ["delivery"],
        },
        {
            "key": "bank",
            "name": t("Bankkontonummer", "Pankkitilin numero", "Bankkontonummer", "Bank account number"),
            "purposes": ["refunds", "legal"],
        },
        {
            "key": "purchases",
            "name": t(
                "Kostnader för varor och tjänster och uppgifter om betalningar (köphistorik)",
                "Tavaroiden ja palveluiden kustannukset ja maksuihin liittyvät tiedot (ostohistoria)",
                "Kostnader for varer og tjenester og opplysninger om betalinger (kjøpshistorikk)",
                "Cost of goods and services and payment details (purchase history)",
            ),
            "purposes": ["history", "legal"],
        },
        {
            "key": "support",
            "name": t(
                "Uppgifter som behövs för att ge kundsupport",
                "Asiakastuen tarjoamiseen tarvittavat tiedot",
                "Opplysninger som trengs for å gi kundestøtte",
                "Data needed to provide customer support",
            ),
            "purposes": ["delivery"],
        },
        {
            "key": "cookies",
            "name": t("Kakor", "Keksit", "Informasjonskapsler", "Cookies"),
            "provided_by_customer": False,
            "purposes": ["cookies"],
        },
        {
            "key": "ip",
            "name": t("IP-adress", "IP-osoite", "IP-adresse", "IP address"),
            "provided_by_customer": False,
            "purposes": ["ip"],
        },
    ],
    "sources": [
        t(
            "Kunden lämnar själv uppgifterna vid köp, registrering av användarkonto eller kontakt med "
            "kundsupporten.",
            "Asiakas antaa tiedot itse oston, käyttäjätilin rekisteröinnin tai asiakastuen yhteydessä.",
            "Kunden gir selv opplysningene ved kjøp, registrering av brukerkonto eller kontakt med "
            "kundestøtten.",
            "The customer provides the data when buying, registering a user account or contacting customer "
            "support.",
        ),
        t(
            "Kundens webbläsare och enhet (IP-adress och kakor) när webbutiken används.",
            "Asiakkaan selain ja laite (IP-osoite ja evästeet) verkkokaupan käytön yhteydessä.",
            "Kundens nettleser og enhet (IP-adresse og informasjonskapsler) når nettbutikken brukes.",
            "The customer's browser and device (IP address and cookies) when the online shop is used.",
        ),
    ],
    "recipients": [
        {
            "name": t(
                "Webbutikens kundtjänst",
                "Verkkokaupan asiakaspalvelu",
                "Nettbutikkens kundeservice",
                "The online shop's customer service",
            ),
            "description": t(
                "Hantering av köp och köphistorik samt lösning av kundernas problem och frågor.",
                "Ostojen ja ostohistorian hallinta sekä asiakkaiden ongelmien ja kysymysten ratkaiseminen.",
                "Håndtering av kjøp og kjøpshistorikk og løsning av kundenes problemer og spørsmål.",
                "Managing purchases and purchase history and solving customers' problems and questions.",
            ),
            "kind": "other",
            "country": "EE",
            "receives_customer_data": False,
            "staff_note": "Part of the controller; listed because the original lists it under sharing.",
        },
        {
            "name": t(
                "Transportföretaget som kunden väljer",
                "Asiakkaan valitsema kuljetuspalvelun tarjoaja",
                "Transportøren kunden velger",
                "The delivery service chosen by the customer",
            ),
            "description": t(
                "Kundens namn, telefonnummer och e-postadress; vid budleverans även kundens exakta adress.",
                "Asiakkaan nimi, puhelinnumero ja sähköpostiosoite; lähettipalvelussa myös Asiakkaan tarkka "
                "osoite.",
                "Kundens navn, telefonnummer og e-postadresse; ved budlevering også kundens nøyaktige "
                "adresse.",
                "The customer's name, phone number and email address; for courier delivery also the "
                "customer's exact address.",
            ),
            "kind": "carrier",
        },
        {
            "name": t(
                "Banker och betalkortscentralen",
                "Pankit ja maksukorttikeskus",
                "Banker og betalingskortsentralen",
                "Banks and the payment card centre",
            ),
            "description": t(
                "Betalningar. Överföringen mellan kunden och bankerna är krypterad.",
                "Maksut. Tietojen siirto Asiakkaan ja pankkien välillä on salattu.",
                "Betalinger. Overføringen mellom kunden og bankene er kryptert.",
                "Payments. The transfer between the customer and the banks is encrypted.",
            ),
            "kind": "payment",
        },
    ],
    "cookies": [
        {
            "provider": "Xmi.ee",
            "category": "preferences",
            "purpose": t(
                "Kommer ihåg kundens tidigare besök och val på webbplatsen.",
                "Muistavat Asiakkaan aikaisemmat vierailut ja sivustolla tehdyt valinnat.",
                "Husker kundens tidligere besøk og valg på nettstedet.",
                "Remember the customer's earlier visits and choices on the website.",
            ),
        }
    ],
    "protections": [
        t(
            "Överföringen av uppgifter mellan kunden och bankerna samt betalkortscentralen är krypterad, "
            "vilket säkerställer säkerheten för kundens personuppgifter och bankuppgifter.",
            "Tietojen siirto Asiakkaan ja pankkien sekä maksukorttikeskuksen välillä on salattu, mikä "
            "varmistaa Asiakkaan henkilötietojen ja pankkitietojen turvallisuuden.",
            "Overføringen av opplysninger mellom kunden og bankene og betalingskortsentralen er kryptert, "
            "noe som sikrer kundens personopplysninger og bankopplysninger.",
            "Data transfer between the customer and the banks and the payment card centre is encrypted, "
            "which keeps the customer's personal and bank data secure.",
        ),
        t(
            "Webbutiken har inte tillgång till kundens konfidentiella bank- och betalkortsuppgifter.",
            "Verkkokaupalla ei ole pääsyä Asiakkaan luottamuksellisiin pankki- ja maksukorttitietoihin.",
            "Nettbutikken har ikke tilgang til kundens fortrolige bank- og betalingskortopplysninger.",
            "The online shop has no access to the customer's confidential bank and payment card details.",
        ),
        t(
            "De personuppgifter som kunden lämnar till företaget vid köp är skyddade och behandlas enligt "
            "kraven i personuppgiftslagstiftningen.",
            "Asiakkaan Yritykselle oston yhteydessä antamat henkilötiedot on suojattu ja niitä käsitellään "
            "henkilötietolain vaatimusten mukaisesti.",
            "Personopplysningene kunden gir til selskapet ved kjøp, er beskyttet og behandles i samsvar med "
            "kravene i personopplysningsloven.",
            "The personal data the customer gives the company when buying is protected and processed as "
            "the personal data law requires.",
        ),
        t(
            "Tillgång till personuppgifterna har webbutikens anställda, som får ta del av kundens "
            "personuppgifter för att lösa frågor om användningen av webbutiken, lösa tekniska problem och "
            "erbjuda kunderna tjänster och support.",
            "Pääsy henkilötietoihin on verkkokaupan työntekijöillä, jotka voivat tutustua Asiakkaan "
            "henkilötietoihin ratkaistakseen verkkokaupan käyttöön liittyviä kysymyksiä, ratkaistakseen "
            "teknisiä ongelmia sekä tarjotakseen palveluita ja tukea asiakkaille.",
            "Tilgang til personopplysningene har nettbutikkens ansatte, som kan se kundens "
            "personopplysninger for å løse spørsmål om bruken av nettbutikken, løse tekniske problemer og "
            "gi kundene tjenester og støtte.",
            "The shop's employees have access to personal data and may view a customer's data to resolve "
            "questions about using the shop, solve technical problems and provide services and support.",
        ),
    ],
    "retention": [
        inactive("contact", rule="customer_inactive"),
        inactive("address"),
        inactive("support"),
        {
            "category": "purchases",
            "period_amount": 7,
            "period_unit": "years",
            "counts_from": "end_of_financial_year",
            "action": "anonymise",
            "rule": "order_bookkeeping",
            "description": EE_BOOKKEEPING,
            "staff_note": ADDED,
        },
        {
            "category": "bank",
            "period_amount": 7,
            "period_unit": "years",
            "counts_from": "end_of_financial_year",
            "action": "delete",
            "description": EE_BOOKKEEPING,
            "staff_note": ADDED,
        },
        months_from_creation("cookies", 12),
        months_from_creation("ip", 12),
    ],
    "rights": _xmi_rights(),
}


# --- 002: Jalonom Sweden Ab and Jalonom Oy (Finland, written in Swedish) ---------------------

JALONOM_ADDRESS = "Jalonom, Vanha Maantie 1, 02650 Esbo"
CONSENT = t(
    "Samtycke: dokumenterat, frivilligt, individualiserat, medvetet och entydigt",
    "Suostumus: dokumentoitu, vapaaehtoinen, yksilöity, tietoinen ja yksiselitteinen",
    "Samtykke: dokumentert, frivillig, individuelt, informert og utvetydig",
    "Consent: documented, freely given, specific, informed and unambiguous",
)
WRITTEN = t(
    "Skriftlig begäran till den registeransvarige",
    "Kirjallinen pyyntö rekisterinpitäjälle",
    "Skriftlig forespørsel til den behandlingsansvarlige",
    "Written request to the controller",
)
VISIT = t(
    "Personligen genom att besöka vårt kundservicecenter",
    "Henkilökohtaisesti käymällä asiakaspalvelupisteessämme",
    "Personlig ved å besøke kundesenteret vårt",
    "In person by visiting our customer service centre",
)
THIRD_PARTY_SAFEGUARD = t(
    "Leverantören har förbundit sig att följa dataskyddsförordningen.",
    "Palveluntarjoaja on sitoutunut noudattamaan tietosuoja-asetusta.",
    "Leverandøren har forpliktet seg til å følge personvernforordningen.",
    "The provider has committed to complying with the GDPR.",
)
SAFEGUARD_NOTE = (
    "The original says external providers commit to the GDPR; the kind of safeguard (standard "
    "contractual clauses) was added — check each provider's terms."
)
PERSONALISED = t(
    "Personifierad marknadsföring: möjliggör återmarknadsföring och riktad marknadsföring.",
    "Henkilökohtainen markkinointi: mahdollistavat uudelleenmarkkinoinnin ja kohdennetun markkinoinnin.",
    "Personlig tilpasset markedsføring: gjør remarkedsføring og målrettet markedsføring mulig.",
    "Personalised marketing: enables remarketing and targeted marketing.",
)
REMARKETING = t(
    "Återmarknadsföring och riktad marknadsföring.",
    "Uudelleenmarkkinointi ja kohdennettu markkinointi.",
    "Remarkedsføring og målrettet markedsføring.",
    "Remarketing and targeted marketing.",
)
GOOGLE_GDPR = "https://cloud.google.com/security/gdpr/"


def _third_party(name: str, description: dict[str, str]) -> dict[str, Any]:
    return {
        "name": same(name),
        "description": description,
        "kind": "it_service",
        "country": "US",
        "outside_eea": True,
        "safeguard": "scc",
        "safeguard_text": THIRD_PARTY_SAFEGUARD,
        "staff_note": SAFEGUARD_NOTE,
    }


def _jalonom_purpose(key: str, text: dict[str, str], basis: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "text": text, "legal_basis": basis, **extra}


def _jalonom_category(key: str, name: dict[str, str], purposes: list[str], **extra: Any) -> dict[str, Any]:
    return {"key": key, "name": name, "purposes": purposes, **extra}


CUSTOMER_PURPOSES = ["relationship", "service", "business", "legal"]

JALONOM: dict[str, Any] = {
    "register": {
        "country": "FI",
        "language": "sv",
        "drawn_up_on": "2018-07-08",
        "staff_note": "Loaded from the example description of Jalonom. The original lists legal bases "
        "(section 4) without tying them to purposes; each purpose got the basis that fits it. The "
        "statutory-requirement statement and retention rules were added (GDPR Art. 13(2)).",
        "name": t(
            "Jalonom kundregister",
            "Jalonomin asiakasrekisteri",
            "Jalonoms kunderegister",
            "Jalonom customer register",
        ),
        "intro": t(
            "Detta är Jalonom Sweden Ab:s och Jalonom Oy:s (nedan kallat Jalonom) register- och "
            "integritetspolicy enligt EU:s allmänna dataskyddsförordning (GDPR). Verksamhet inom "
            "butiksbranschen kräver behandling av personuppgifter. I kundregistret ingår till exempel "
            "näthandelns kundkonto, hantering av beställningar och hantering av personuppgifter inom "
            "fakturering. Jalonom hanterar endast sådana personuppgifter som är lämpliga och nödvändiga "
            "inom affärsverksamheten.",
            "Tämä on Jalonom Sweden Ab:n ja Jalonom Oy:n (jäljempänä Jalonom) EU:n yleisen tietosuoja-"
            "asetuksen (GDPR) mukainen rekisteri- ja tietosuojaseloste. Kaupan alan toiminta edellyttää "
            "henkilötietojen käsittelyä. Asiakasrekisteriin kuuluvat esimerkiksi verkkokaupan asiakastili, "
            "tilausten käsittely ja laskutukseen liittyvien henkilötietojen käsittely. Jalonom käsittelee "
            "vain liiketoiminnan kannalta asianmukaisia ja tarpeellisia henkilötietoja.",
            "Dette er registrerings- og personvernerklæringen til Jalonom Sweden Ab og Jalonom Oy (heretter "
            "kalt Jalonom) etter EUs personvernforordning (GDPR). Virksomhet i handelsbransjen krever "
            "behandling av personopplysninger. Kunderegisteret omfatter for eksempel kundekontoen i "
            "nettbutikken, håndtering av bestillinger og behandling av personopplysninger ved fakturering. "
            "Jalonom behandler bare personopplysninger som er egnede og nødvendige for virksomheten.",
            "This is the register and privacy policy of Jalonom Sweden Ab and Jalonom Oy (hereinafter "
            "Jalonom) under the EU General Data Protection Regulation (GDPR). Retail business requires "
            "processing personal data. The customer register includes, for example, the online shop's "
            "customer account, order handling and the handling of personal data in invoicing. Jalonom "
            "processes only personal data that is appropriate and necessary for the business.",
        ),
        "data_subjects": t(
            "Jalonoms kunder och kontaktpersoner hos kunder samt personer som kontaktar Jalonom via "
            "webbformulär, e-post, telefon, sociala medier eller vid kundmöten.",
            "Jalonomin asiakkaat ja asiakkaiden yhteyshenkilöt sekä henkilöt, jotka ottavat yhteyttä "
            "Jalonomiin verkkolomakkeella, sähköpostitse, puhelimitse, sosiaalisessa mediassa tai "
            "asiakastapaamisissa.",
            "Jalonoms kunder og kontaktpersoner hos kunder samt personer som kontakter Jalonom via "
            "nettskjema, e-post, telefon, sosiale medier eller på kundemøter.",
            "Jalonom's customers and customers' contact persons, and people who contact Jalonom by web "
            "form, email, phone, social media or at customer meetings.",
        ),
        "disclosures": t(
            "Information meddelas inte regelbundet till andra parter. Information kan publiceras så långt "
            "det har avtalats med kunden. Personuppgifter kan lämnas till tredje part för att säkerställa "
            "vår service gällande kvalitet och säkerhet. Information kan överföras till en tredje part i "
            "samband med en affär.",
            "Tietoja ei luovuteta säännönmukaisesti muille osapuolille. Tietoja voidaan julkaista siltä osin "
            "kuin asiakkaan kanssa on sovittu. Henkilötietoja voidaan luovuttaa kolmannelle osapuolelle "
            "palvelumme laadun ja turvallisuuden varmistamiseksi. Tietoja voidaan siirtää kolmannelle "
            "osapuolelle liiketoimintakaupan yhteydessä.",
            "Opplysninger utleveres ikke regelmessig til andre parter. Opplysninger kan publiseres i den "
            "grad det er avtalt med kunden. Personopplysninger kan gis til tredjeparter for å sikre "
            "kvaliteten og sikkerheten i tjenesten vår. Opplysninger kan overføres til en tredjepart i "
            "forbindelse med en virksomhetsoverdragelse.",
            "Data is not regularly disclosed to other parties. Data may be published to the extent agreed "
            "with the customer. Personal data may be given to third parties to ensure the quality and "
            "security of our service. Data may be transferred to a third party in connection with a "
            "business transaction.",
        ),
        "transfers": t(
            "Data kan även överföras av den personuppgiftsansvarige utanför EU eller EES. "
            "Tredjepartstjänsterna tawk.to, Google, Facebook och LinkedIn kan behandla uppgifter i USA.",
            "Rekisterinpitäjä voi siirtää tietoja myös EU:n tai ETA:n ulkopuolelle. Kolmansien osapuolten "
            "palvelut tawk.to, Google, Facebook ja LinkedIn voivat käsitellä tietoja Yhdysvalloissa.",
            "Den behandlingsansvarlige kan også overføre opplysninger utenfor EU eller EØS. "
            "Tredjepartstjenestene tawk.to, Google, Facebook og LinkedIn kan behandle opplysninger i USA.",
            "The controller may also transfer data outside the EU or EEA. The third-party services tawk.to, "
            "Google, Facebook and LinkedIn may process data in the United States.",
        ),
        "cookies_intro": t(
            "Vår webbplats använder cookies som är nödvändiga för verksamheten, såsom sidornas optimering, "
            "uppföljning av besökstrafiken och chattfunktionen. På vår webbplats finns även cookies från "
            "andra tjänsteleverantörer, som tawk.to, Google Analytics, Google Adwords, Facebook och "
            "LinkedIn. Du kan bestämma om du vill acceptera alla cookiegrupper på en gång eller bara en "
            "eller några grupper. Observera att vissa delar av webbplatsen fungerar först när cookies "
            "tillåts. Externa aktörer förbinder sig att verka enligt dataskyddsförordningen.",
            "Sivustomme käyttää toiminnan kannalta välttämättömiä evästeitä, kuten sivujen optimointiin, "
            "kävijäliikenteen seurantaan ja chat-toimintoon. Sivustollamme on myös muiden "
            "palveluntarjoajien evästeitä, kuten tawk.to, Google Analytics, Google Adwords, Facebook ja "
            "LinkedIn. Voit päättää, hyväksytkö kaikki evästeryhmät kerralla vai vain yhden tai joitakin "
            "ryhmiä. Huomaa, että osa sivuston toiminnoista toimii vasta, kun evästeet sallitaan. "
            "Ulkopuoliset toimijat sitoutuvat toimimaan tietosuoja-asetuksen mukaisesti.",
            "Nettstedet vårt bruker informasjonskapsler som er nødvendige for driften, for eksempel for "
            "optimalisering av sidene, oppfølging av besøkstrafikken og chattefunksjonen. På nettstedet "
            "vårt finnes også informasjonskapsler fra andre tjenesteleverandører, som tawk.to, Google "
            "Analytics, Google Adwords, Facebook og LinkedIn. Du kan velge om du vil godta alle grupper av "
            "informasjonskapsler på én gang eller bare én eller noen grupper. Merk at enkelte deler av "
            "nettstedet først fungerer når informasjonskapsler tillates. Eksterne aktører forplikter seg "
            "til å følge personvernforordningen.",
            "Our website uses cookies that are necessary for its operation, such as page optimisation, "
            "monitoring visitor traffic and the chat function. Our website also has cookies from other "
            "service providers, such as tawk.to, Google Analytics, Google Adwords, Facebook and LinkedIn. "
            "You can decide whether to accept all cookie groups at once or only one or some groups. Note "
            "that some parts of the website work only when cookies are allowed. External operators commit "
            "to acting in accordance with the GDPR.",
        ),
        "provision_requirement": t(
            "Uppgifter som behövs för beställningar, avtal och fakturering är en förutsättning för att ingå "
            "och fullgöra avtalet; utan dem kan vi inte leverera. Övriga uppgifter är frivilliga.",
            "Tilauksiin, sopimuksiin ja laskutukseen tarvittavat tiedot ovat edellytys sopimuksen "
            "tekemiselle ja täyttämiselle; ilman niitä emme voi toimittaa. Muut tiedot ovat vapaaehtoisia.",
            "Opplysninger som trengs for bestillinger, avtaler og fakturering, er en forutsetning for å "
            "inngå og oppfylle avtalen; uten dem kan vi ikke levere. Andre opplysninger er frivillige.",
            "Data needed for orders, contracts and invoicing is required to enter into and perform the "
            "contract; without it we cannot deliver. Other data is voluntary.",
        ),
        "automated_decisions": t(
            "Kunder profileras för att marknadsföra och utveckla servicen. Vi fattar inga automatiserade "
            "beslut som har rättsliga följder för kunden eller på liknande sätt påverkar kunden i "
            "betydande grad.",
            "Asiakkaita profiloidaan palvelun markkinoimiseksi ja kehittämiseksi. Emme tee automaattisia "
            "päätöksiä, joilla on asiakkaaseen kohdistuvia oikeusvaikutuksia tai jotka vaikuttavat häneen "
            "vastaavalla tavalla merkittävästi.",
            "Kunder profileres for å markedsføre og utvikle tjenesten. Vi treffer ingen automatiserte "
            "avgjørelser som har rettsvirkning for kunden eller på lignende måte påvirker kunden i "
            "betydelig grad.",
            "Customers are profiled to market and develop the service. We make no automated decisions that "
            "have legal effects on the customer or similarly significantly affect them.",
        ),
        "rights_intro": t(
            "Alla personer i registret har rätt att kontrollera sina uppgifter i registret, att kräva att "
            "felaktig information korrigeras eller att ofullständig information kompletteras, att begära "
            "att uppgifterna raderas (”rätten att bli glömd”) och att i vissa situationer begränsa "
            "behandlingen. Den registeransvarige kan vid behov begära att personen bevisar sin identitet "
            "och svarar inom den tidsfrist som anges i EU:s dataskyddsförordning (vanligen inom en månad). "
            "Mer information: https://ec.europa.eu/commission/sites/beta-political/files/"
            "data-protection-factsheet-citizens_en_1.pdf",
            "Jokaisella rekisterissä olevalla on oikeus tarkastaa rekisteriin tallennetut tietonsa, vaatia "
            "virheellisen tiedon korjaamista tai puutteellisen tiedon täydentämistä, pyytää tietojensa "
            "poistamista (”oikeus tulla unohdetuksi”) ja tietyissä tilanteissa rajoittaa käsittelyä. "
            "Rekisterinpitäjä voi tarvittaessa pyytää henkilöä todistamaan henkilöllisyytensä ja vastaa "
            "EU:n tietosuoja-asetuksessa säädetyssä määräajassa (yleensä kuukauden kuluessa). Lisätietoa: "
            "https://ec.europa.eu/commission/sites/beta-political/files/"
            "data-protection-factsheet-citizens_en_1.pdf",
            "Alle personer i registeret har rett til å kontrollere opplysningene sine i registeret, kreve "
            "at feil opplysninger rettes eller at ufullstendige opplysninger suppleres, be om at "
            "opplysningene slettes («retten til å bli glemt») og i visse situasjoner begrense behandlingen. "
            "Den behandlingsansvarlige kan ved behov be personen bekrefte identiteten sin og svarer innen "
            "fristen i EUs personvernforordning (vanligvis innen en måned). Mer informasjon: "
            "https://ec.europa.eu/commission/sites/beta-political/files/"
            "data-protection-factsheet-citizens_en_1.pdf",
            "Everyone in the register has the right to check their data in the register, to demand that "
            "incorrect data be corrected or incomplete data completed, to ask for their data to be erased "
            "(“the right to be forgotten”) and, in some situations, to restrict processing. The controller "
            "may ask the person to prove their identity if needed and answers within the time limit set in "
            "the EU General Data Protection Regulation (usually within one month). More information: "
            "https://ec.europa.eu/commission/sites/beta-political/files/"
            "data-protection-factsheet-citizens_en_1.pdf",
        ),
        "changes": t(
            "Vi förbehåller oss rätten att ändra vår dataskyddspolicy utan föregående meddelande. Vår "
            "nuvarande integritetspolicy finns på vår hemsida.",
            "Pidätämme oikeuden muuttaa tietosuojakäytäntöämme ilman ennakkoilmoitusta. Voimassa oleva "
            "tietosuojaselosteemme on verkkosivuillamme.",
            "Vi forbeholder oss retten til å endre personvernreglene våre uten forhåndsvarsel. Den "
            "gjeldende personvernerklæringen vår finnes på nettstedet vårt.",
            "We reserve the right to change our data protection policy without prior notice. Our current "
            "privacy policy is on our website.",
        ),
    },
    "controllers": [
        {
            "name": name,
            "street_address": "Vanha Maantie 1",
            "postal_code": "02650",
            "city": "Esbo",
            "country": "FI",
            "staff_note": "The original gives one address for “Jalonom” (both companies) and no "
            "business ids.",
        }
        for name in ("Jalonom Oy", "Jalonom Sweden Ab")
    ],
    "contacts": [
        {
            "name": "Kimmo Korkiakoski",
            "role": "representative",
            "emails": "asiakaspalvelu@jalonom.fi\nkundservice@jalonom.com",
            "phones": "0922-10180\n+358 9 5127298",
        }
    ],
    "purposes": [
        _jalonom_purpose(
            "relationship",
            t(
                "Kundrelationens omvårdnad, underhåll och utveckling samt kundkommunikation",
                "Asiakassuhteen hoito, ylläpito ja kehittäminen sekä asiakasviestintä",
                "Pleie, vedlikehold og utvikling av kundeforholdet samt kundekommunikasjon",
                "Looking after, maintaining and developing the customer relationship, and customer "
                "communication",
            ),
            "f",
            legitimate_interest=t(
                "Kundrelationen mellan Jalonom och kunden",
                "Jalonomin ja asiakkaan välinen asiakassuhde",
                "Kundeforholdet mellom Jalonom og kunden",
                "The customer relationship between Jalonom and the customer",
            ),
        ),
        _jalonom_purpose(
            "service",
            t(
                "Att producera, erbjuda och utveckla servicen samt kvalitetssäkring",
                "Palvelujen tuottaminen, tarjoaminen ja kehittäminen sekä laadunvarmistus",
                "Å produsere, tilby og utvikle tjenesten samt kvalitetssikring",
                "Producing, offering and developing the service, and quality assurance",
            ),
            "b",
            basis_detail=t(
                "Avtal där den registrerade är part",
                "Sopimus, jossa rekisteröity on osapuolena",
                "Avtale der den registrerte er part",
                "A contract to which the data subject is party",
            ),
        ),
        _jalonom_purpose(
            "business",
            t(
                "Affärsverksamhetens utveckling",
                "Liiketoiminnan kehittäminen",
                "Utvikling av virksomheten",
                "Developing the business",
            ),
            "f",
            legitimate_interest=t(
                "Att utveckla Jalonoms affärsverksamhet utifrån kundrelationen",
                "Jalonomin liiketoiminnan kehittäminen asiakassuhteen pohjalta",
                "Å utvikle Jalonoms virksomhet på grunnlag av kundeforholdet",
                "Developing Jalonom's business on the basis of the customer relationship",
            ),
        ),
        _jalonom_purpose(
            "marketing",
            t(
                "Försäljning och marknadsföring, direktmarknadsföring och inriktning av marknadsföring",
                "Myynti ja markkinointi, suoramarkkinointi ja markkinoinnin kohdentaminen",
                "Salg og markedsføring, direkte markedsføring og målretting av markedsføring",
                "Sales and marketing, direct marketing and targeting of marketing",
            ),
            "a",
            basis_detail=CONSENT,
            is_direct_marketing=True,
        ),
        _jalonom_purpose(
            "research",
            t(
                "Marknadsundersökningar, kundundersökningar och produktbedömningar",
                "Markkinatutkimukset, asiakastutkimukset ja tuotearvioinnit",
                "Markedsundersøkelser, kundeundersøkelser og produktvurderinger",
                "Market research, customer surveys and product reviews",
            ),
            "f",
            legitimate_interest=t(
                "Att förstå kundernas åsikter och förbättra produkterna",
                "Asiakkaiden näkemysten ymmärtäminen ja tuotteiden parantaminen",
                "Å forstå kundenes synspunkter og forbedre produktene",
                "Understanding customers' views and improving the products",
            ),
        ),
        _jalonom_purpose(
            "analytics",
            t(
                "Övervakning och analys av användningen av servicen för att bättre förstå våra kunders "
                "behov och erbjuda personlig service",
                "Palvelun käytön seuranta ja analysointi asiakkaidemme tarpeiden ymmärtämiseksi paremmin "
                "ja henkilökohtaisen palvelun tarjoamiseksi",
                "Overvåking og analyse av bruken av tjenesten for å forstå kundenes behov bedre og tilby "
                "personlig service",
                "Monitoring and analysing use of the service to better understand our customers' needs and "
                "offer personal service",
            ),
            "a",
            basis_detail=CONSENT,
        ),
        _jalonom_purpose(
            "profiling",
            t(
                "Profilering av kunder för att marknadsföra och utveckla servicen",
                "Asiakkaiden profilointi palvelun markkinoimiseksi ja kehittämiseksi",
                "Profilering av kunder for å markedsføre og utvikle tjenesten",
                "Profiling customers to market and develop the service",
            ),
            "a",
            basis_detail=CONSENT,
            is_direct_marketing=True,
        ),
        _jalonom_purpose(
            "legal",
            t(
                "Att fullgöra de skyldigheter som följer av lag och myndigheters föreskrifter och "
                "instruktioner",
                "Lakiin sekä viranomaisten määräyksiin ja ohjeisiin perustuvien velvoitteiden täyttäminen",
                "Å oppfylle plikter som følger av lov og myndighetenes forskrifter og instrukser",
                "Meeting obligations under the law and the authorities' regulations and instructions",
            ),
            "c",
            basis_detail=t(
                "Bokföringslagen samt lagen om förhindrande av penningtvätt och av finansiering av terrorism",
                "Kirjanpitolaki sekä laki rahanpesun ja terrorismin rahoittamisen estämisestä",
                "Den finske bokføringsloven og loven om forebygging av hvitvasking og terrorfinansiering",
                "The Accounting Act and the Act on Preventing Money Laundering and Terrorist Financing",
            ),
        ),
        _jalonom_purpose(
            "security",
            t(
                "Att säkerställa servicens datasäkerhet, förebygga och upptäcka missbruk och bedrägerier "
                "samt reparera funktionsfel",
                "Palvelun tietoturvan varmistaminen, väärinkäytösten ja petosten ehkäiseminen ja "
                "havaitseminen sekä toimintahäiriöiden korjaaminen",
                "Å sikre tjenestens informasjonssikkerhet, forebygge og oppdage misbruk og svindel og rette "
                "feil",
                "Keeping the service secure, preventing and detecting misuse and fraud, and repairing faults",
            ),
            "f",
            legitimate_interest=t(
                "Att skydda servicen, Jalonom och kunderna mot missbruk och bedrägerier",
                "Palvelun, Jalonomin ja asiakkaiden suojaaminen väärinkäytöksiltä ja petoksilta",
                "Å beskytte tjenesten, Jalonom og kundene mot misbruk og svindel",
                "Protecting the service, Jalonom and its customers against misuse and fraud",
            ),
        ),
        _jalonom_purpose(
            "risk",
            t(
                "Riskhantering och utbildningsändamål",
                "Riskienhallinta ja koulutustarkoitukset",
                "Risikostyring og opplæringsformål",
                "Risk management and training",
            ),
            "f",
            legitimate_interest=t(
                "Att hantera affärsrisker och utbilda personalen",
                "Liiketoimintariskien hallinta ja henkilöstön kouluttaminen",
                "Å håndtere forretningsrisiko og lære opp de ansatte",
                "Managing business risks and training staff",
            ),
        ),
    ],
    "categories": [
        _jalonom_category("name", t("Namn", "Nimi", "Navn", "Name"), [*CUSTOMER_PURPOSES, "marketing"]),
        _jalonom_category(
            "company",
            t("Företag/organisation", "Yritys/organisaatio", "Foretak/organisasjon", "Company/organisation"),
            CUSTOMER_PURPOSES,
        ),
        _jalonom_category(
            "personal_id",
            t("Personnummer", "Henkilötunnus", "Personnummer", "Personal identity number"),
            ["legal", "security"],
        ),
        _jalonom_category(
            "business_id",
            t(
                "FO-nummer och LEI-nummer",
                "Y-tunnus ja LEI-tunnus",
                "Organisasjonsnummer (FO-nummer) og LEI-nummer",
                "Business ID (FO-nummer) and LEI number",
            ),
            ["service", "legal"],
        ),
        _jalonom_category(
            "contact",
            t("Kontaktinformation", "Yhteystiedot", "Kontaktinformasjon", "Contact details"),
            [*CUSTOMER_PURPOSES, "marketing", "research"],
            description=t(
                "telefonnummer, e-postadress, adress",
                "puhelinnumero, sähköpostiosoite, osoite",
                "telefonnummer, e-postadresse, adresse",
                "phone number, email address, address",
            ),
        ),
        _jalonom_category(
            "websites",
            t(
                "Webbsidornas adresser",
                "Verkkosivujen osoitteet",
                "Nettsidenes adresser",
                "Website addresses",
            ),
            ["relationship", "service"],
        ),
        _jalonom_category(
            "ip",
            t("Nätets IP-adress", "Verkon IP-osoite", "IP-adresse", "Network IP address"),
            ["analytics", "security"],
            provided_by_customer=False,
        ),
        _jalonom_category(
            "social",
            t(
                "Profiler i sociala mediers tjänster",
                "Sosiaalisen median palvelujen profiilit",
                "Profiler i sosiale medier",
                "Social media profiles",
            ),
            ["relationship", "marketing", "profiling"],
        ),
        _jalonom_category(
            "orders",
            t(
                "Beställda tjänster och ändringar i dem",
                "Tilatut palvelut ja niiden muutokset",
                "Bestilte tjenester og endringer i dem",
                "Services ordered and changes to them",
            ),
            ["service", "business", "legal", "profiling"],
        ),
        _jalonom_category(
            "invoicing",
            t("Faktureringsuppgifter", "Laskutustiedot", "Faktureringsopplysninger", "Invoicing details"),
            ["service", "legal"],
        ),
        _jalonom_category(
            "related",
            t(
                "Relaterad information om andra kundrelationer och beställda tjänster",
                "Muihin asiakassuhteisiin ja tilattuihin palveluihin liittyvät tiedot",
                "Relatert informasjon om andre kundeforhold og bestilte tjenester",
                "Related information on other customer relationships and services ordered",
            ),
            ["relationship", "business", "risk"],
        ),
        _jalonom_category(
            "usage",
            t(
                "Uppgifter om användningen av webbplatsen (cookies)",
                "Tiedot verkkosivuston käytöstä (evästeet)",
                "Opplysninger om bruken av nettstedet (informasjonskapsler)",
                "Data on use of the website (cookies)",
            ),
            ["analytics", "marketing", "profiling"],
            provided_by_customer=False,
        ),
    ],
    "sources": [
        t(
            "Från kunden själv: meddelanden via webbformulär, e-post, telefon och sociala medier, avtal, "
            "kundmöten och andra situationer där kunden lämnar ut sin information.",
            "Asiakkaalta itseltään: verkkolomakkeilla, sähköpostitse, puhelimitse ja sosiaalisessa mediassa "
            "lähetetyt viestit, sopimukset, asiakastapaamiset ja muut tilanteet, joissa asiakas luovuttaa "
            "tietojaan.",
            "Fra kunden selv: meldinger sendt via nettskjema, e-post, telefon og sosiale medier, avtaler, "
            "kundemøter og andre situasjoner der kunden gir fra seg opplysninger.",
            "From the customer: messages sent by web form, email, phone and social media, contracts, "
            "customer meetings and other situations in which the customer provides their information.",
        ),
        t(
            "Webbplatsens cookies och tredjepartstjänster (tawk.to, Google, Facebook, LinkedIn) för "
            "IP-adress och användningsdata.",
            "Verkkosivuston evästeet ja kolmansien osapuolten palvelut (tawk.to, Google, Facebook, "
            "LinkedIn) IP-osoitteen ja käyttötietojen osalta.",
            "Nettstedets informasjonskapsler og tredjepartstjenester (tawk.to, Google, Facebook, LinkedIn) "
            "for IP-adresse og bruksdata.",
            "The website's cookies and third-party services (tawk.to, Google, Facebook, LinkedIn) for the "
            "IP address and usage data.",
        ),
    ],
    "recipients": [
        _third_party(
            "tawk.to",
            t(
                "Chattfunktionen på webbplatsen.",
                "Sivuston chat-toiminto.",
                "Chattefunksjonen på nettstedet.",
                "The chat function on the website.",
            ),
        ),
        _third_party(
            "Google (Google Analytics, Google Adwords)",
            t(
                "Analys av webbplatsens trafik och riktad marknadsföring.",
                "Sivuston liikenteen analysointi ja kohdennettu markkinointi.",
                "Analyse av trafikken på nettstedet og målrettet markedsføring.",
                "Analysis of website traffic and targeted marketing.",
            ),
        ),
        _third_party("Facebook", REMARKETING),
        _third_party("LinkedIn", REMARKETING),
        {
            "name": t(
                "Tredje part som säkerställer tjänstens kvalitet och säkerhet",
                "Palvelun laatua ja turvallisuutta varmistava kolmas osapuoli",
                "Tredjepart som sikrer tjenestens kvalitet og sikkerhet",
                "Third party ensuring the quality and security of the service",
            ),
            "kind": "processor",
        },
        {
            "name": t(
                "Köpare i samband med en affärsöverlåtelse",
                "Ostaja liiketoimintakaupan yhteydessä",
                "Kjøper ved en virksomhetsoverdragelse",
                "Buyer in connection with a business transaction",
            ),
            "kind": "other",
            "receives_customer_data": False,
        },
    ],
    "cookies": [
        {
            "provider": "Jalonom",
            "category": "necessary",
            "purpose": t(
                "Möjliggör användningen av webbplatsen: sidornas optimering, uppföljning av trafikvolymen "
                "och chattfunktionen.",
                "Mahdollistavat sivuston käytön: sivujen optimointi, liikennemäärien seuranta ja "
                "chat-toiminto.",
                "Gjør det mulig å bruke nettstedet: optimalisering av sidene, oppfølging av trafikkvolumet "
                "og chattefunksjonen.",
                "Make the website usable: page optimisation, monitoring traffic volume and the chat "
                "function.",
            ),
        },
        {
            "provider": "tawk.to",
            "category": "necessary",
            "purpose": t("Chattfunktionen.", "Chat-toiminto.", "Chattefunksjonen.", "The chat function."),
            "third_country": "US",
            "info_url": "https://www.tawk.to/data-protection/gdpr/",
        },
        {
            "provider": "Google Analytics",
            "category": "analytics",
            "purpose": t(
                "Spårar vilken typ av innehåll du surfar på; hjälper oss att utveckla bättre innehåll på "
                "webbplatsen och i nyhetsbreven.",
                "Seuraavat, millaista sisältöä selaat; auttavat meitä kehittämään parempaa sisältöä "
                "sivustolle ja uutiskirjeisiin.",
                "Sporer hvilken type innhold du ser på; hjelper oss å utvikle bedre innhold på nettstedet og "
                "i nyhetsbrevene.",
                "Track what kind of content you browse; help us develop better content on the website and "
                "in newsletters.",
            ),
            "third_country": "US",
            "info_url": GOOGLE_GDPR,
        },
        {
            "provider": "Google Adwords",
            "category": "marketing",
            "purpose": PERSONALISED,
            "third_country": "US",
            "info_url": GOOGLE_GDPR,
        },
        {
            "provider": "Facebook",
            "category": "marketing",
            "purpose": PERSONALISED,
            "third_country": "US",
            "info_url": "https://www.facebook.com/business/gdpr",
        },
        {
            "provider": "LinkedIn",
            "category": "marketing",
            "purpose": PERSONALISED,
            "third_country": "US",
            "info_url": "https://privacy.linkedin.com/gdpr",
        },
    ],
    "protections": [
        t(
            "Registret hanteras noggrant och de data som behandlas skyddas tillräckligt.",
            "Rekisteriä käsitellään huolellisesti, ja käsiteltävät tiedot suojataan riittävästi.",
            "Registeret håndteres omhyggelig, og opplysningene som behandles, beskyttes tilstrekkelig.",
            "The register is handled with care and the data processed is adequately protected.",
        ),
        t(
            "När registeruppgifter lagras på internetservrar sköts maskinvarans fysiska och digitala "
            "säkerhet på ett lämpligt sätt.",
            "Kun rekisteritietoja säilytetään internetpalvelimilla, laitteiston fyysisestä ja digitaalisesta "
            "turvallisuudesta huolehditaan asianmukaisesti.",
            "Når registeropplysninger lagres på internettservere, ivaretas maskinvarens fysiske og digitale "
            "sikkerhet på en egnet måte.",
            "When register data is stored on internet servers, the physical and digital security of the "
            "hardware is taken care of appropriately.",
        ),
        t(
            "Den registeransvarige ser till att lagrade data, serverbehörigheter och annan kritisk "
            "information om personuppgifternas säkerhet behandlas konfidentiellt och endast av anställda "
            "vars arbetsuppgifter omfattar det.",
            "Rekisterinpitäjä huolehtii siitä, että tallennettuja tietoja, palvelimien käyttöoikeuksia ja "
            "muita henkilötietojen turvallisuuden kannalta kriittisiä tietoja käsitellään "
            "luottamuksellisesti ja vain niiden työntekijöiden toimesta, joiden työnkuvaan se kuuluu.",
            "Den behandlingsansvarlige sørger for at lagrede data, servertilganger og annen kritisk "
            "informasjon om sikkerheten til personopplysningene behandles fortrolig og bare av ansatte som "
            "har dette som del av arbeidsoppgavene sine.",
            "The controller ensures that stored data, server access rights and other information critical "
            "to the security of personal data are handled confidentially and only by employees whose job "
            "includes it.",
        ),
    ],
    "retention": [
        inactive("contact", rule="customer_inactive"),
        inactive("name"),
        inactive("company"),
        inactive("personal_id"),
        inactive("business_id"),
        inactive("websites"),
        inactive("social"),
        inactive("related"),
        {
            "category": "invoicing",
            "period_amount": 6,
            "period_unit": "years",
            "counts_from": "end_of_calendar_year",
            "action": "anonymise",
            "rule": "order_bookkeeping",
            "description": FI_BOOKKEEPING,
            "staff_note": ADDED,
        },
        {
            "category": "orders",
            "period_amount": 6,
            "period_unit": "years",
            "counts_from": "end_of_calendar_year",
            "action": "anonymise",
            "description": FI_BOOKKEEPING,
            "staff_note": ADDED,
        },
        months_from_creation("ip", 14),
        months_from_creation("usage", 14),
    ],
    "rights": [
        # Section 11: access and rectification by written request; section 12: erasure,
        # restriction and the other rights in writing or in person at the customer service centre.
        {"right": right, "channel": channel, "value": value, "note": note}
        for right in Right
        for channel, value, note in (
            (Channel.LETTER, JALONOM_ADDRESS, WRITTEN),
            *(
                []
                if right in (Right.ACCESS, Right.RECTIFICATION)
                else [(Channel.VISIT, "Vanha Maantie 1, 02650 Esbo", VISIT)]
            ),
        )
    ],
}

EXAMPLES: dict[str, dict[str, Any]] = {"xhome": XHOME, "xmi": XMI, "jalonom": JALONOM}


def _texts(prefix: str, texts: dict[str, str] | None) -> dict[str, str]:
    texts = texts or {}
    return {f"{prefix}_{code}": texts.get(code, "") for code in LANGUAGE_CODES}


def _expand(model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
    """Turn ``{"text": t(...)}`` into ``{"text_sv": ..., ...}`` for the model's translated fields."""
    values = {}
    for key, value in data.items():
        if key in model._translated_fields:
            values.update(_texts(key, value))
        else:
            values[key] = value
    return values


@transaction.atomic
def load_example(key: str, by: AbstractBaseUser | None = None) -> NoticeVersion:
    """Replace the current register's content with example ``key`` and publish it.

    Earlier notice versions stay as they were; the new content becomes the next version.
    """
    data = EXAMPLES[key]
    register = Register.objects.select_for_update().filter(is_current=True).first() or Register()
    for name, value in _expand(Register, data["register"]).items():
        setattr(register, name, value)
    register.drawn_up_on = (
        date.fromisoformat(data["register"]["drawn_up_on"]) if data["register"].get("drawn_up_on") else None
    )
    register.is_current = True
    register.save()
    for related in (
        register.retention_rules,
        register.categories,
        register.purposes,
        register.controllers,
        register.contacts,
        register.sources,
        register.recipients,
        register.cookies,
        register.protections,
        register.rights_channels,
    ):
        for obj in related.all():
            obj.delete()

    for position, item in enumerate(data["controllers"]):
        Controller.objects.create(register=register, position=position, **item)
    for position, item in enumerate(data["contacts"]):
        ContactPerson.objects.create(register=register, position=position, **item)
    purposes = {}
    for position, item in enumerate(data["purposes"]):
        item = dict(item)
        key_ = item.pop("key")
        purposes[key_] = Purpose.objects.create(
            register=register, position=position, **_expand(Purpose, item)
        )
    categories = {}
    for position, item in enumerate(data["categories"]):
        item = dict(item)
        key_, linked = item.pop("key"), item.pop("purposes", [])
        category = DataCategory.objects.create(
            register=register, position=position, **_expand(DataCategory, item)
        )
        category.purposes.set([purposes[p] for p in linked])
        categories[key_] = category
    for position, text in enumerate(data["sources"]):
        Source.objects.create(register=register, position=position, **_texts("text", text))
    for position, item in enumerate(data["recipients"]):
        Recipient.objects.create(register=register, position=position, **_expand(Recipient, item))
    for position, item in enumerate(data["cookies"]):
        Cookie.objects.create(register=register, position=position, **_expand(Cookie, item))
    for position, text in enumerate(data["protections"]):
        ProtectionPrinciple.objects.create(register=register, position=position, **_texts("text", text))
    for position, item in enumerate(data["retention"]):
        item = dict(item)
        item["category"] = categories[item["category"]]
        RetentionRule.objects.create(register=register, position=position, **_expand(RetentionRule, item))
    for position, item in enumerate(data["rights"]):
        RightsChannel.objects.create(register=register, position=position, **_expand(RightsChannel, item))
    return publish(register, by=by)
