"""The privacy notice in a real browser."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swedish_notice_in_a_browser(page, live_server, screenshot):
    call_command("load_example_register", "jalonom", verbosity=0)
    page.goto(f"{live_server.url}/sv/privacy/")
    assert page.locator("h1").inner_text() == "Jalonom kundregister"
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_text("Kimmo Korkiakoski").first.is_visible()
    screenshot(page, "privacy-sv")
