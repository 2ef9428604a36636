"""In a real browser, in Swedish: the admin and the request form name the shop and speak Swedish.

Saves screenshots of the admin start page, a request's page and the public request form
(artifacts/screenshots/, ignored by git).
"""

import pytest
from django.urls import reverse
from django.utils import translation

from requests.intake import receive_request
from requests.models import Request
from tests.conftest import login_in_browser
from tests.factories import make_complete_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP = "Testbutik Oy"  # the controller of make_complete_register


def test_the_admin_names_the_product_and_the_shop(context, page, live_server, dpo, screenshot):
    make_complete_register()
    login_in_browser(context, live_server, dpo)
    page.goto(f"{live_server.url}/admin/", wait_until="domcontentloaded")
    assert page.locator("#site-name").inner_text() == f"Kundregister — {SHOP}"
    assert page.title().endswith(f"Kundregister — {SHOP}")
    assert "Django" not in page.locator("body").inner_text()
    screenshot(page, "admin-index-sv")

    # A Finnish customer's request through the web form: the event is stored as a code, not in Finnish.
    with translation.override("fi"):
        request = receive_request(
            kind=Request.Kind.ACCESS,
            received_via=Request.Channel.WEB_FORM,
            language="fi",
            email="a@example.org",
        )
    page.goto(live_server.url + reverse("admin:requests_request_change", args=[request.pk]))
    assert page.locator("#site-name").inner_text() == f"Kundregister — {SHOP}"
    # The audit trail words the creation event in the reader's language.
    events = page.locator("#events-group, [id^=events]").first.inner_text()
    assert "Webbformulär" in events and "Verkkolomake" not in events
    screenshot(page, "admin-request-sv")


def test_the_request_form_starts_with_no_kind_and_lists_countries_by_name(page, live_server, screenshot):
    make_complete_register()
    page.goto(f"{live_server.url}/sv/requests/new/", wait_until="domcontentloaded")
    assert SHOP in page.locator("header").inner_text()
    assert SHOP in page.locator("footer").inner_text()
    assert page.locator("#id_kind").input_value() == ""
    assert page.locator("#id_kind option:checked").inner_text() == "Välj…"

    page.select_option("#id_kind", "rectification")
    # The country is chosen by its Swedish name; the code is what is sent.
    assert page.locator("#id_proposed_country option[value=SE]").inner_text() == "Sverige"
    page.select_option("#id_proposed_country", label="Sverige")
    # A help text sits under its field.
    field = page.locator("#id_rectification_wrong").bounding_box()
    help_text = page.locator("#id_rectification_wrong_helptext").bounding_box()
    assert help_text["y"] >= field["y"] + field["height"]
    screenshot(page, "request-form-rectification-sv")
