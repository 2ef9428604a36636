"""The access report's index.html reads on a phone and on a desktop without scrolling sideways."""

import zipfile

import pytest

from requests.reports import build_access_report
from tests.factories import make_consent, make_matched_request, make_order
from tests.requests.test_access_report import full_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize("width", [390, 1280])
def test_report_page_has_no_horizontal_scroll(browser, screenshot, dpo, width):
    customer = full_customer(
        language="fi",
        street_address="Pitkäkatu 123 A 45, porrashuone B, toinen kerros vasemmalla",
        homepage="https://example.org/" + "hyvin-pitka-polku-" * 8,
    )
    for n in range(12):
        make_order(customer, number=f"JALONOM-2026-{n:06d}")
    make_consent(customer, via="web_form")
    report = build_access_report(make_matched_request([customer], language="fi"), by=dpo)
    html = zipfile.ZipFile(report.path).read("index.html").decode()

    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.set_content(html, wait_until="load")
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        screenshot(page, f"access-report-fi-{width}")
        assert scroll_width <= inner_width
        # Every table fits the page.
        widest = page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('table'),"
            " (table) => table.getBoundingClientRect().right))"
        )
        assert widest <= inner_width
    finally:
        context.close()
