"""Shared personas and the browser fixture.

Personas: ``dpo`` (data-protection officer, every permission of the project's apps),
``customer_service`` (staff without erasure, publishing or unmasking rights) and
``outsider`` (a logged-in account with no staff rights).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from register.roles import CUSTOMER_SERVICE, DATA_PROTECTION_OFFICER, ensure_roles

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _isolated_private_storage(settings, tmp_path):
    """Keep generated files (reports, exports) of each test in its own folder."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo)
    return client


@pytest.fixture
def service_client(client, customer_service):
    client.force_login(customer_service)
    return client


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


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


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


def login_in_browser(context, live_server, user) -> None:
    """Log ``user`` in to the admin in a Playwright browser ``context`` (no password typed).

    The session is made with ``django.test.Client().force_login`` and handed to the browser as its
    session cookie: staff login gets more steps than a password, and this is the one place browser
    tests depend on how a staff member signs in.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
                "httpOnly": True,
            }
        ]
    )
