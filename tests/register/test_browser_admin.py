"""The admin works in a real browser: a staff member logs in and sees the index."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_logs_into_admin(page, live_server, dpo, screenshot):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", dpo.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").is_visible()
    assert page.locator("#user-tools").inner_text().upper().count(dpo.username.upper()) == 1
    screenshot(page, "admin-index")
