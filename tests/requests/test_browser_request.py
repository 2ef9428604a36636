"""A customer makes a request in a real browser, in Swedish, and confirms it from the email link."""

import re

import pytest
from django.core import mail

from requests.models import Request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_makes_and_confirms_a_request(page, live_server, screenshot):
    page.goto(f"{live_server.url}/sv/requests/new/", wait_until="domcontentloaded")
    assert page.locator("h1").inner_text() == "Gör en begäran om dina personuppgifter"
    # The honeypot is in the page but off screen, out of people's way.
    box = page.locator("#id_website").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    page.select_option("#id_kind", "rectification")
    page.fill("#id_email", "Asa.Oberg@example.org")
    page.fill("#id_name", "Åsa Öberg")
    page.fill("#id_proposed_street_address", "Storgatan 2")
    page.fill("#id_rectification_wrong", "Adressen är fel även på fakturorna")
    screenshot(page, "request-form-sv")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button.primary")
    # The page names the kind only (never the address): it says what else the right needs.
    assert page.url == f"{live_server.url}/sv/requests/sent/?kind=rectification"
    assert "Kontrollera din e-post" in page.locator("h1").inner_text()

    link = re.search(r"https?://[^/]+(/sv/requests/verify/[^/\s]+/)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link, wait_until="domcontentloaded")
    assert Request.objects.get().status == Request.Status.AWAITING_VERIFICATION
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button.primary")
    assert page.url == f"{live_server.url}/sv/requests/verified/"
    assert "Begäran bekräftad" in page.locator("h1").inner_text()
    screenshot(page, "request-confirmed-sv")
    req = Request.objects.get()
    assert req.status == Request.Status.VERIFIED
    assert req.rectification_wrong == "Adressen är fel även på fakturorna"
    assert req.rectifications.get().proposed_value == "Storgatan 2"


def test_form_shows_only_the_fields_of_the_chosen_kind(page, live_server):
    page.goto(f"{live_server.url}/en/requests/new/", wait_until="domcontentloaded")
    page.select_option("#id_kind", "access")
    assert not page.locator("#id_rectification_wrong").is_visible()
    assert not page.locator("#proposals").is_visible()
    assert not page.locator("[data-for-kind=withdrawal]").is_visible()

    page.select_option("#id_kind", "rectification")
    assert page.locator("#id_rectification_wrong").is_visible()
    assert page.locator("#proposals").is_visible()
    assert not page.locator("[data-for-kind=withdrawal]").is_visible()

    page.select_option("#id_kind", "withdrawal")
    assert page.locator("[data-for-kind=withdrawal]").is_visible()
    assert not page.locator("#proposals").is_visible()


def test_erasure_asks_delete_or_anonymise_and_the_sent_page_says_what_identity_to_send(
    page, live_server, screenshot
):
    # The page fixture's context fails the test on any Content-Security-Policy violation.
    from register.models import IdentityRule, Right, publish
    from tests.factories import make_complete_register

    register = make_complete_register(country="NO", languages=("nb", "sv", "fi", "en"))
    IdentityRule.objects.create(
        register=register,
        right=Right.ERASURE,
        accepts_personal_visit=True,
        note_nb="Kom innom butikken i Storgata 1 med legitimasjon.",
        note_sv="Kom till butiken på Storgata 1 med legitimation.",
        note_fi="Tule myymälään osoitteeseen Storgata 1 henkilöllisyystodistuksen kanssa.",
        note_en="Come to the shop at Storgata 1 with an identity document.",
    )
    publish(register)
    page.goto(f"{live_server.url}/nb/requests/new/", wait_until="domcontentloaded")
    page.select_option("#id_kind", "access")
    assert not page.locator("[data-for-kind=erasure]").is_visible()
    page.select_option("#id_kind", "erasure")
    choice = page.locator("[data-for-kind=erasure]")
    assert choice.is_visible()
    assert page.locator("input[name=erasure_choice][value=delete]").is_checked()
    assert "Anonymiser opplysningene mine" in choice.inner_text()
    page.check("input[name=erasure_choice][value=anonymise]")
    page.fill("#id_email", "kari@example.no")
    screenshot(page, "erasure-choice-nb")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button.primary")
    assert "Kom innom butikken i Storgata 1 med legitimasjon." in page.content()
    screenshot(page, "erasure-sent-identity-nb")
    request = Request.objects.get()
    assert request.erasure_choice == "anonymise" and request.awaiting_identity
