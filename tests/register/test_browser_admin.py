"""The admin works in a real browser under the Content-Security-Policy, with the second factor.

Every page of these tests fails its test on a CSP violation (tests/conftest.py ``context``).
"""

from base64 import b32decode
from urllib.parse import parse_qs, urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, login_in_browser, totp_code, watch_csp
from tests.factories import make_complete_register, make_customer, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_with_password(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_staff_member_logs_in_with_password_and_code(page, live_server, dpo, screenshot):
    app = TOTPDevice.objects.create(user=dpo, name="Phone", confirmed=True)
    log_in_with_password(page, live_server, dpo)
    assert urlsplit(page.url).path == "/admin/two-factor/"
    screenshot(page, "admin-second-factor")
    page.fill("#id_code", totp_code(app.key))
    with page.expect_navigation():
        page.click("#two-factor-form input[type=submit]")
    assert page.url == f"{live_server.url}/admin/"
    assert page.locator("#user-tools").inner_text().upper().count(dpo.username.upper()) == 1
    screenshot(page, "admin-index")


def test_dpo_without_an_app_enrols_before_the_admin(page, live_server, dpo, screenshot):
    log_in_with_password(page, live_server, dpo)
    assert urlsplit(page.url).path == "/admin/two-factor/setup/"
    assert page.locator(".qr-code svg").is_visible()
    screenshot(page, "admin-second-factor-setup")
    uri = page.locator("#otpauth-uri").text_content()
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    page.fill("#id_code", totp_code(b32decode(secret).hex()))
    with page.expect_navigation():
        page.click("#two-factor-setup-form input[type=submit]")
    assert page.locator("#backup-codes li").count() == 10
    with page.expect_navigation():
        page.click("a.button")
    assert page.url == f"{live_server.url}/admin/"


def test_admin_pages_run_their_scripts_under_the_policy(context, live_server, dpo, screenshot):
    make_request()
    make_customer()
    register = make_complete_register()
    login_in_browser(context, live_server, dpo)
    page = context.new_page()
    for path in [
        "/admin/",
        "/admin/customers/customer/",
        f"/admin/register/register/{register.pk}/change/",
        f"/admin/register/register/{register.pk}/history/",
        "/admin/staff/failedlogin/",
        "/admin/staff/authenticatorapp/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path

    page.goto(f"{live_server.url}/admin/requests/request/?status=all")
    page.click("#action-toggle")  # admin/js/actions.js ticks every row
    assert page.locator("input.action-select").first.is_checked()
    page.click("table#result_list tbody a")
    assert "/change/" in page.url
    screenshot(page, "admin-request-under-csp")


def test_the_guard_of_these_tests_sees_a_violation(browser, live_server):
    """An inline style attribute set by a script is blocked and reported to the test."""
    context = browser.new_context()
    violations = watch_csp(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/privacy/")
    assert page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("document.body.setAttribute('style', 'color: rgb(255, 0, 0)')")
    assert page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
    assert violations
    context.close()
