"""Seed 002: Jalonom Sweden Ab and Jalonom Oy, Finland, writing in Swedish."""

from __future__ import annotations

from typing import Any

from register.examples.common import (
    ADDED,
    FI_BOOKKEEPING,
    Channel,
    Right,
    inactive,
    months_from_creation,
    same,
    t,
)

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
        "published_languages": ["sv", "fi", "nb", "en"],
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
            "country": country,
            "staff_note": "The original gives one address for “Jalonom” (both companies) and no "
            "business ids."
            + (
                " The country SE is taken from the company's name: a Swedish company keeps its books, "
                "and the orders it sells, under Swedish law — check."
                if country == "SE"
                else ""
            ),
        }
        for name, country in (("Jalonom Oy", "FI"), ("Jalonom Sweden Ab", "SE"))
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
        inactive(
            ["contact", "name", "company", "personal_id", "business_id", "websites", "social", "related"],
            rule="customer_inactive",
        ),
        {
            "categories": ["invoicing", "orders"],
            "period_amount": 6,
            "period_unit": "years",
            "counts_from": "end_of_calendar_year",
            "action": "anonymise",
            "rule": "order_bookkeeping",
            "description": FI_BOOKKEEPING,
            "staff_note": ADDED,
        },
        months_from_creation(["ip", "usage"], 14),
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
