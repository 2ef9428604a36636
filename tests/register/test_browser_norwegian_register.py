"""A Norwegian shop enters its register through the admin forms, in Norwegian only, and publishes it."""

import pytest

from register.models import NoticeVersion, Register, Right
from tests.conftest import login_in_browser, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_inline(page, prefix: str) -> str:
    """Click "add another" under an inline group; return the new form's field id prefix."""
    index = int(page.input_value(f"#id_{prefix}-TOTAL_FORMS"))
    page.click(f"#{prefix}-group .add-row a")
    page.wait_for_selector(f"#id_{prefix}-{index}-position")
    return f"#id_{prefix}-{index}-"


def save_and_continue(page) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click('input[name="_continue"]')
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0 or "publication-gaps" in (errors.first.get_attribute("class") or ""), (
        page.locator("#content").inner_text()[:2000]
    )


def test_norwegian_register_entered_in_the_admin_publishes_in_norwegian(
    browser, live_server, dpo, screenshot
):
    context = browser.new_context(locale="nb-NO")
    violations = watch_csp(context)
    login_in_browser(context, live_server, dpo)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/register/register/add/", wait_until="domcontentloaded")
    assert page.locator("html").get_attribute("lang") == "nb"
    # A new register explains why its categories cannot be linked yet.
    assert "Lagre registeret først" in page.locator("#save-first").inner_text()

    page.fill("#id_name_nb", "Kunderegister for Fjordbutikken")
    page.select_option("#id_country", "NO")
    page.select_option("#id_language", "nb")
    page.check('input[name="published_languages"][value="nb"]')
    page.fill("#id_data_subjects_nb", "Kunder som handler i nettbutikken.")
    page.fill("#id_transfers_nb", "Vi overfører ikke personopplysninger ut av EØS.")
    page.fill("#id_provision_requirement_nb", "Navn og adresse trengs for å levere bestillingen.")
    page.fill("#id_automated_decisions_nb", "Vi treffer ingen automatiserte avgjørelser.")

    form = add_inline(page, "controllers")
    page.fill(form + "name", "Fjordbutikken AS")
    page.select_option(form + "business_id_kind", "organisasjonsnummer")
    page.fill(form + "business_id", "923609016")
    page.fill(form + "street_address", "Bryggen 1")
    page.fill(form + "postal_code", "5003")
    page.fill(form + "city", "Bergen")
    page.fill(form + "country", "NO")
    page.fill(form + "email", "post@fjordbutikken.example")

    form = add_inline(page, "contacts")
    page.fill(form + "name", "Kari Nordmann")
    page.select_option(form + "role", "contact")
    page.fill(form + "emails", "personvern@fjordbutikken.example")
    page.fill(form + "street_address", "Postboks 12")
    page.fill(form + "postal_code", "5804")
    page.fill(form + "city", "Bergen")

    form = add_inline(page, "purposes")
    page.fill(form + "text_nb", "Levere bestillinger til kunden.")
    page.select_option(form + "legal_basis", "b")
    page.select_option(form + "needs_recipient_kind", "carrier")

    form = add_inline(page, "categories")
    page.fill(form + "name_nb", "Kontaktopplysninger")
    page.fill(form + "description_nb", "navn, adresse, telefon og e-post")

    form = add_inline(page, "sources")
    page.fill(form + "text_nb", "Kunden selv, når hen bestiller.")

    form = add_inline(page, "recipients")
    page.fill(form + "name_nb", "Posten Bring")
    page.select_option(form + "kind", "carrier")
    page.fill(form + "country", "NO")

    form = add_inline(page, "protections")
    page.fill(form + "text_nb", "Tilgang krever innlogging.")

    for right in Right:
        form = add_inline(page, "rights_channels")
        page.select_option(form + "right", right.value)
        page.select_option(form + "channel", "email")
        page.fill(form + "value", "personvern@fjordbutikken.example")

    save_and_continue(page)
    register = Register.objects.get()
    status = page.locator("#publication-status").inner_text()
    assert "Opplysningskategorien «Kontaktopplysninger» mangler oppbevaringsregel" in status, status

    # Saved, the register's category can be chosen for a retention rule: as long as the relationship lasts.
    form = add_inline(page, "retention_rules")
    page.check(f'input[name="{form.removeprefix("#id_")}categories"]')
    page.fill(form + "period_amount", "0")
    page.select_option(form + "period_unit", "years")
    page.select_option(form + "counts_from", "end_of_relationship")
    page.select_option(form + "rule", "customer_inactive")
    save_and_continue(page)
    screenshot(page, "register-nb-admin")
    assert "Registeret er komplett og kan publiseres." in page.locator("#publication-status").inner_text()

    page.goto(
        f"{live_server.url}/admin/register/register/{register.pk}/publish/", wait_until="domcontentloaded"
    )
    assert "Norsk bokmål" in page.locator("#content").inner_text()
    page.check("#id_confirmed")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click('input[type="submit"]')
    version = NoticeVersion.objects.get()
    assert set(version.content) == {"nb"}

    visitor_context = browser.new_context(locale="nb-NO")
    visitor_violations = watch_csp(visitor_context)
    visitor = visitor_context.new_page()
    visitor.goto(f"{live_server.url}/nb/privacy/", wait_until="domcontentloaded")
    assert visitor.locator("h1").inner_text() == "Kunderegister for Fjordbutikken"
    assert visitor.locator("html").get_attribute("lang") == "nb"
    assert visitor.locator("#shown-in-original").count() == 0
    text = visitor.locator("main").inner_text()
    assert "Organisasjonsnummer: 923 609 016" in text
    assert "Postboks 12" in text
    assert "Opplysningene lagres så lenge kundeforholdet varer. Deretter slettes de." in text
    screenshot(visitor, "privacy-nb")

    visitor.goto(f"{live_server.url}/sv/privacy/", wait_until="domcontentloaded")
    assert visitor.locator("html").get_attribute("lang") == "sv"
    line = visitor.locator("#shown-in-original")
    assert line.inner_text() == (
        "Dataskyddsbeskrivningen publiceras inte på det här språket. Den visas på norska, det språk den är "
        "skriven på."
    )
    assert visitor.locator("h1").get_attribute("lang") == "nb"
    assert visitor.locator('div[lang="nb"] .privacy-notice').count() == 1
    assert "Opplysningene lagres så lenge kundeforholdet varer." in visitor.locator("main").inner_text()
    screenshot(visitor, "privacy-sv-fallback-to-nb")
    visitor_context.close()
    context.close()
    # Nothing on these pages (the admin forms, the refusal list, the notice) breaks the strict CSP.
    assert violations == [] and visitor_violations == []
