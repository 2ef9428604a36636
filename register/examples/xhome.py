"""Seed 000: Xhome Oy, a Finnish company writing in Swedish."""

from __future__ import annotations

from typing import Any

from register.examples.common import (
    ADDED,
    FI_BOOKKEEPING,
    WEB_FORM,
    Channel,
    Right,
    inactive,
    months_from_creation,
    t,
)

XHOME: dict[str, Any] = {
    "register": {
        "country": "FI",
        "language": "sv",
        "published_languages": ["sv", "fi", "nb", "en"],
        # "The data is not disclosed to third parties."
        "no_regular_disclosures": True,
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
            "business_id_kind": "y_tunnus",
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
        inactive(["contact", "forms"], rule="customer_inactive"),
        {
            "categories": ["orders"],
            "period_amount": 6,
            "period_unit": "years",
            "counts_from": "end_of_calendar_year",
            "action": "anonymise",
            "rule": "order_bookkeeping",
            "description": FI_BOOKKEEPING,
            "staff_note": ADDED,
        },
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
