"""A Swedish DPO erases a customer in a real browser: preview, then the confirmation page, then erase."""

import pytest

from customers.models import Customer
from requests.models import Request
from tests.conftest import login_in_browser
from tests.factories import make_customer, make_order, make_request
from tests.requests.test_browser_whole_life import restore_migrated_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_erasure_asks_for_the_typed_customer_number_in_swedish(context, live_server, dpo, screenshot):
    # An earlier transactional test may have emptied the bookkeeping periods the migrations wrote.
    restore_migrated_rows()
    customer = make_customer(first_name="Åsa", last_name="Öberg", language="sv")
    make_order(customer)
    req = make_request(kind=Request.Kind.ERASURE, email=customer.email, language="sv")
    req.customers.add(customer)
    login_in_browser(context, live_server, dpo)
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/requests/request/{req.pk}/erasure/", wait_until="domcontentloaded")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click('input[type="submit"][value="Radera"]')
    assert f"/admin/requests/request/{req.pk}/erasure/confirm/" in page.url
    assert f"Radera {customer.customer_number} — detta kan inte ångras" in page.locator("h1").inner_text()
    assert "Beställningar" in page.locator("#retained").inner_text()
    screenshot(page, "erasure-confirm-sv")

    page.fill("#id_typed_numbers", "K0")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click('input[name="erase"]')
    assert "ingenting raderades" in page.locator(".errorlist").inner_text()
    assert Customer.objects.get(pk=customer.pk).erased_at is None

    page.fill("#id_typed_numbers", customer.customer_number)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click('input[name="erase"]')
    assert page.url.endswith(f"/admin/requests/request/{req.pk}/change/")
    assert Customer.objects.get(pk=customer.pk).erased_at is not None
