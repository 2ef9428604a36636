"""The dashboard in a real browser, under the Content-Security-Policy: as DPO, as customer service."""

from datetime import timedelta

import pytest
from django.utils import timezone

from breaches.models import Breach
from customers.models import ConsentPurpose
from requests import deadlines
from tests.conftest import login_in_browser, watch_csp
from tests.factories import make_consent, make_published_retention_register, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(dpo):
    make_published_retention_register()
    today = deadlines.today()
    make_request(kind="access", due_date=today - timedelta(days=1), assignee=dpo)
    make_request(kind="erasure", due_date=today + timedelta(days=3))
    make_request(kind="access", due_date=today + timedelta(days=25))
    names = {f"name_{code}": "Nyhetsbrev" for code in ("sv", "fi", "nb", "en")}
    ConsentPurpose.objects.get_or_create(code="newsletter_email", defaults={"channel": "email", **names})
    make_consent()
    Breach.objects.create(title="Stolen laptop", aware_at=timezone.now() - timedelta(hours=80))


def test_dpo_sees_the_whole_dashboard(context, live_server, dpo, shop, screenshot):
    login_in_browser(context, live_server, dpo)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    for section in ("kr-breaches", "kr-requests", "kr-times", "kr-consents", "kr-retention", "kr-register"):
        assert page.locator(f"#{section}").is_visible(), section
    assert page.locator("#kr-overdue").inner_text() == "1"
    assert page.locator("#kr-week").inner_text() == "1"
    assert page.locator("#kr-later").inner_text() == "1"
    assert page.locator("#kr-breaches .kr-overdue").count() == 1
    assert page.locator("svg.kr-chart").count() >= 2
    assert page.locator("#kr-purge-warning").is_visible()
    screenshot(page, "dashboard-dpo")
    with page.expect_navigation():
        page.click("#kr-overdue")
    assert "deadline=overdue" in page.url
    assert page.locator("#result_list tbody tr").count() == 1
    screenshot(page, "dashboard-dpo-overdue-list")


def test_customer_service_sees_the_requests_only(browser, live_server, customer_service, shop, screenshot):
    context = browser.new_context(locale="sv-SE")
    violations = watch_csp(context)
    try:
        login_in_browser(context, live_server, customer_service)
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/")
        assert page.locator("#kr-requests").is_visible()
        assert page.locator("#kr-overdue").inner_text() == "1"
        for section in ("kr-breaches", "kr-consents", "kr-retention", "kr-register", "kr-audit"):
            assert page.locator(f"#{section}").count() == 0, section
        screenshot(page, "dashboard-customer-service")
    finally:
        context.close()
    assert not violations, violations
