"""Seed 001: Xmi OÜ, an Estonian shop writing in Finnish."""

from __future__ import annotations

from typing import Any

from register.examples.common import (
    ADDED,
    EE_BOOKKEEPING,
    Channel,
    Right,
    inactive,
    months_from_creation,
    t,
)

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
        "published_languages": ["sv", "fi", "nb", "en"],
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
            "needs_recipient_kind": "carrier",
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
            "name": t("Kakor", "Evästeet", "Informasjonskapsler", "Cookies"),
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
        inactive(["contact", "address", "support"], rule="customer_inactive"),
        {
            "categories": ["purchases"],
            "period_amount": 7,
            "period_unit": "years",
            "counts_from": "end_of_financial_year",
            "action": "anonymise",
            "rule": "order_bookkeeping",
            "description": EE_BOOKKEEPING,
            "staff_note": ADDED,
        },
        {
            "categories": ["bank"],
            "period_amount": 7,
            "period_unit": "years",
            "counts_from": "end_of_financial_year",
            "action": "delete",
            "description": EE_BOOKKEEPING,
            "staff_note": ADDED,
        },
        months_from_creation(["cookies", "ip"], 12),
    ],
    "rights": _xmi_rights(),
}
