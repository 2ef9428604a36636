"""Shared personas and the browser fixture.

Personas: ``dpo`` (data-protection officer, every permission of the project's apps),
``customer_service`` (staff without erasure, publishing or unmasking rights) and
``outsider`` (a logged-in account with no staff rights).

``dpo_client`` and ``service_client`` are signed in with a second factor already given, as after
a real login (staff.twofactor); ``login_with_second_factor`` does the same for any client and user,
``login_in_browser`` for a browser context. Browser pages fail their test on any
Content-Security-Policy violation.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from register.roles import CUSTOMER_SERVICE, DATA_PROTECTION_OFFICER, ensure_roles

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _isolated_private_storage(settings, tmp_path):
    """Keep generated files (reports, exports) of each test in its own folder."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; each test starts with none, with the notice's current
    version still to be looked up, and with no list's estimate kept."""
    from django.core.cache import cache

    from register.admin_counts import forget_estimates
    from register.stored_pages import forget_notice

    cache.clear()
    forget_notice()
    forget_estimates()
    yield
    cache.clear()
    forget_notice()
    forget_estimates()


@pytest.fixture
def receiver():
    """A real HTTP server on 127.0.0.1 that records webhook POSTs; set ``receiver.statuses`` to script it."""
    from tests.receiver import start_receiver

    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def make_staff(username: str, group: str | None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@shop.example", is_staff=True, **extra
    )
    if group:
        user.groups.add(ensure_roles()[group])
    return user


@pytest.fixture
def dpo(db):
    return make_staff("dpo", DATA_PROTECTION_OFFICER)


@pytest.fixture
def customer_service(db):
    return make_staff("service", CUSTOMER_SERVICE)


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user(username="outsider", password=PASSWORD, is_staff=False)


def login_with_second_factor(client: Client, user) -> Client:
    """Log ``user`` in on ``client`` with a verified authenticator app, as a full login leaves it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from staff.twofactor import mark_verified

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    client.force_login(user)
    session = client.session
    mark_verified(session, device)
    session.save()
    return client


def totp_code(key_hex: str) -> str:
    """The code an authenticator app with this secret (hex, as TOTPDevice.key) shows now."""
    import time
    from binascii import unhexlify

    from django_otp.oath import TOTP

    totp = TOTP(unhexlify(key_hex))
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def dpo_client(client, dpo):
    return login_with_second_factor(client, dpo)


@pytest.fixture
def service_client(client, customer_service):
    return login_with_second_factor(client, customer_service)


# --- Browser tests -------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright; skipped (visibly) when it is not installed."""
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed: browser tests skipped (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM
    # calls are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Reports every Content-Security-Policy violation of a page to the test (csp_violation below).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
                      `at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


def watch_csp(context) -> list[str]:
    """Collect every Content-Security-Policy violation on the pages of ``context``."""
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.expose_function("cspViolation", report)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on("console", on_console)
    return violations


@pytest.fixture
def context(browser):
    """A browser context in Swedish whose pages fail the test on any CSP violation."""
    context = browser.new_context(locale="sv-SE")
    violations = watch_csp(context)
    yield context
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def page(context):
    return context.new_page()


def login_in_browser(context, live_server, user) -> None:
    """Sign ``user`` in for the pages of ``context``, second factor given, without typing a password."""
    client = login_with_second_factor(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def screenshot():
    """Save a screenshot of a page under artifacts/screenshots/ (ignored by git)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        target = folder / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return take
