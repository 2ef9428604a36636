"""One customer's whole life with the register, in a real browser, from access request to erasure.

A Finnish customer asks for access on the public form and confirms by the emailed link; Swedish-speaking
staff confirm the match, generate the report, review it (withholding a note that names someone else),
release it and email the link; the customer downloads it. Then the customer asks in Swedish for erasure;
staff preview, erase and complete. The old report link answers 410, and a search of every table, every
file under the private storage folder, the outgoing-message queue and every email sent after the erasure
finds none of the customer's email, phone, name or street address.
"""

import re
import zipfile
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from register.models import publish
from requests.models import AccessReport, ErasureRecord, Request, WithheldItem
from tests.conftest import login_in_browser, make_staff, watch_csp
from tests.factories import make_complete_register, make_consent, make_customer, make_invoice, make_order
from tests.scan import find_in_database, find_in_files, find_in_mails, find_in_outbox, needles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST, LAST = "Aurelia", "Hämäläinen-Zwick"
EMAIL = "Aurelia.HZ@Example.fi"
PHONE = "+358 40 987 6543"
STREET = "Vihtorinkatu 17 C 41"
NOTE = "Asiakas soitti. Naapuri Berit Lindqvist kertoi, että paketti varastettiin rappukäytävästä."
REASON = "Nämner en granne och vad hon sade (andras rättigheter, GDPR art. 15.4)."


def identifiers() -> list[str]:
    return needles(
        EMAIL,
        "aurelia.hz",
        PHONE,
        "+358409876543",
        "987 6543",
        "9876543",
        FIRST,
        LAST,
        f"{FIRST} {LAST}",
        STREET,
        "Vihtorinkatu",
    )


def sv(text: str) -> str:
    with translation.override("sv"):
        translated = gettext(text)
    assert translated != text, f"no Swedish translation of {text!r}"
    return translated


def link_in_last_mail(pattern: str) -> str:
    return re.search(rf"https?://[^/]+({pattern})", mail.outbox[-1].body).group(1)


def submit_request(page, live_server, language: str, kind: str, name: str) -> None:
    page.goto(f"{live_server.url}/{language}/requests/new/", wait_until="domcontentloaded")
    page.select_option("#id_kind", kind)
    page.fill("#id_email", EMAIL)
    page.fill("#id_name", name)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button.primary")
    assert page.url == f"{live_server.url}/{language}/requests/sent/?kind={kind}"
    page.goto(live_server.url + link_in_last_mail(rf"/{language}/requests/verify/[^/\s]+/"))
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button.primary")
    assert page.url == f"{live_server.url}/{language}/requests/verified/"


def press(page, selector: str) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click(selector)


def act(page, action: str) -> None:
    press(page, f"form[action$='/act/{action}/'] button")


def open_request(page, live_server, request: Request) -> None:
    page.goto(f"{live_server.url}/admin/requests/request/{request.pk}/change/", wait_until="domcontentloaded")


def restore_migrated_rows() -> None:
    """Write again the consent purposes and bookkeeping periods the data migrations wrote (idempotent).

    A transactional test empties every table when it ends, so a later one finds them gone.
    """
    for module, function in (
        ("customers.migrations.0002_consent_purposes", "create_purposes"),
        ("register.migrations.0002_bookkeeping_periods", "add_periods"),
    ):
        getattr(import_module(module), function)(django_apps, None)


@pytest.fixture
def world(db):
    restore_migrated_rows()
    register = make_complete_register(country="FI")
    publish(register)
    customer = make_customer(
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
        street_address=STREET,
        postal_code="00500",
        city="Helsinki",
        language="fi",
    )
    placed = timezone.now() - timedelta(days=400)
    order = make_order(customer, placed_at=placed)
    make_invoice(order, issued_at=placed)
    make_consent(customer, "newsletter_email", "granted")
    return customer


def test_one_customer_from_access_request_to_erasure(browser, live_server, world, screenshot):
    customer = world
    dpo = make_staff("dpo", None, is_superuser=True)
    shopper = browser.new_context(locale="fi-FI", accept_downloads=True)
    staff = browser.new_context(locale="sv-SE")
    csp_violations = {"customer": watch_csp(shopper), "staff": watch_csp(staff)}
    login_in_browser(staff, live_server, dpo)
    public, admin = shopper.new_page(), staff.new_page()

    # --- 1. A Finnish access request, confirmed by the emailed link -------------------------------
    submit_request(public, live_server, "fi", "access", f"{FIRST} {LAST}")
    access = Request.objects.get(kind=Request.Kind.ACCESS)
    assert access.status == Request.Status.VERIFIED and access.language == "fi"
    assert list(access.customers.all()) == [customer]  # proposed by the verified email

    # --- 2. Swedish staff: confirm, start, note, generate, review, withhold, release, email ----------
    open_request(admin, live_server, access)
    assert sv("Workflow") in admin.content()
    act(admin, "confirm_match")
    act(admin, "start")
    access.refresh_from_db()
    access.add_note(NOTE, author=dpo)
    open_request(admin, live_server, access)
    assert sv("Release a report to the customer: generate it, review it and release it.") in admin.content()
    press(admin, f"form[action$='/generate/{access.pk}/'] button")
    report = AccessReport.objects.get(request=access)
    press(admin, f"a[href$='/accessreport/{report.pk}/review/']")
    assert sv("Texts staff wrote, as the customer will read them") in admin.content()
    assert NOTE in admin.content()
    screenshot(admin, "report-review-sv")
    note = access.notes.get()
    item = admin.locator(f".staff-text[data-table=internal_note][data-row='{note.pk}']")
    item.locator("summary").click()
    item.locator("textarea[name=reason]").fill(REASON)
    with admin.expect_navigation(wait_until="domcontentloaded"):
        item.locator("button[name=withhold]").click()
    assert WithheldItem.objects.filter(report=report, reason=REASON).exists()
    assert NOTE not in admin.content() and REASON in admin.content()
    press(admin, "#release-form input[name=release]")
    report.refresh_from_db()
    assert report.released_by == dpo
    press(admin, f"form[action$='/accessreport/{report.pk}/send/'] button")
    act(admin, "complete")
    access.refresh_from_db()
    assert access.status == Request.Status.COMPLETED

    # --- 3. The customer downloads the report --------------------------------------------------------
    report_link = link_in_last_mail(r"/fi/requests/report/[^/\s]+/")
    public.goto(live_server.url + report_link, wait_until="domcontentloaded")
    with public.expect_download() as download:
        public.click("button.primary")
    archive = zipfile.ZipFile(download.value.path())
    index = archive.read("index.html").decode()
    assert LAST in index and STREET in index
    assert NOTE not in index and REASON in index  # withheld, with the reason
    assert NOTE not in archive.read("data.json").decode()

    # --- 4. A Swedish erasure request; staff preview, erase and complete -----------------------------
    submit_request(public, live_server, "sv", "erasure", FIRST)
    erasure = Request.objects.get(kind=Request.Kind.ERASURE)
    open_request(admin, live_server, erasure)
    act(admin, "confirm_match")
    press(admin, f"a[href$='/request/{erasure.pk}/erasure/']")
    assert sv("Bookkeeping law (GDPR Art. 17(3)(b))") in admin.content()
    screenshot(admin, "erasure-preview-sv")
    values = identifiers()
    # The searches find the customer before the erasure: they prove something when they find nothing.
    assert {table for table, _column, _needle in find_in_database(values)} >= {"customers_customer"}
    assert find_in_files(settings.PRIVATE_STORAGE_ROOT, values)
    sent_before_erasure = len(mail.outbox)
    press(admin, f"input[type=submit][value='{sv('Erase')}']")
    # The confirmation page: erasing needs the customer number typed.
    admin.fill("#id_typed_numbers", ", ".join(c.customer_number for c in erasure.customers.all()))
    press(admin, "input[name=erase]")
    act(admin, "complete")
    erasure.refresh_from_db()
    assert erasure.status == Request.Status.COMPLETED
    record = ErasureRecord.objects.get(request=erasure)

    # --- 5. The old link is gone, and nothing anywhere still names the customer ----------------------
    response = public.goto(live_server.url + report_link, wait_until="domcontentloaded")
    assert response.status == 410
    report.refresh_from_db()
    assert report.deleted_at is not None and not report.path.exists()
    # Retained rows keep no identifiers: the record lists the fields it removed from each.
    retained = [item for item in record.items if item["action"] == "retain"]
    assert retained and all(item["fields"] for item in retained)

    assert find_in_database(values) == []
    assert find_in_files(settings.PRIVATE_STORAGE_ROOT, values) == []
    assert find_in_outbox(values) == []
    after = mail.outbox[sent_before_erasure:]
    assert after and after[0].to == [EMAIL]  # the erasure outcome went to the customer
    assert find_in_mails(after, values) == []
    shopper.close()
    staff.close()
    assert csp_violations == {"customer": [], "staff": []}
