"""One country: the register's, never the SHOP_COUNTRY setting, decides what customers are told and kept.

The notice in force decides what customers read (authority on the notice, the rights page, every
email, the access report); the current register decides staff-side computations (erasure holds,
retention, phone numbers). The setting is only the country a new register starts with.
"""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from customers.contacts import normalize_phone
from customers.models import Order
from register.models import Register, notice_country, publish, shop_country
from requests.erasure import erase_for_request, preview_erasure
from requests.models import Request
from requests.report_review import release_report
from requests.reports import build_access_report, send_report_link
from tests.factories import make_complete_register, make_customer, make_matched_request, make_order

pytestmark = pytest.mark.django_db

ESTONIAN_AUTHORITY = "Estonian Data Protection Inspectorate"
FINNISH_AUTHORITY = "Office of the Data Protection Ombudsman"


@pytest.fixture
def estonian_shop(settings):
    settings.SHOP_COUNTRY = "FI"
    register = make_complete_register(country="EE")
    publish(register)
    return register


def placed_2024():
    return timezone.make_aware(datetime(2024, 5, 10, 12, 0))


def test_the_setting_only_gives_a_new_register_its_country(settings):
    settings.SHOP_COUNTRY = "NO"
    assert Register().country == "NO"
    assert shop_country() == "NO"  # no register yet
    make_complete_register(country="EE")
    assert shop_country() == "EE" and notice_country() == "EE"


def test_notice_and_rights_page_name_the_registers_authority(client, estonian_shop):
    with translation.override("en"):
        notice = client.get(reverse("register:privacy")).content.decode()
        rights = client.get(reverse("requests:rights")).content.decode()
    for page in (notice, rights):
        assert ESTONIAN_AUTHORITY in page and FINNISH_AUTHORITY not in page


def test_customers_are_told_the_published_country_until_a_change_is_published(client, estonian_shop):
    Register.objects.filter(pk=estonian_shop.pk).update(country="SE")
    # Staff-side computations follow the register at once; what customers read follows the notice.
    assert shop_country() == "SE" and notice_country() == "EE"
    with translation.override("en"):
        rights = client.get(reverse("requests:rights")).content.decode()
    assert ESTONIAN_AUTHORITY in rights


def test_report_link_mail_and_access_report_name_the_registers_authority(estonian_shop, dpo):
    customer = make_customer(language="en")
    request = make_matched_request([customer], kind=Request.Kind.ACCESS)
    report = build_access_report(request, by=dpo)
    release_report(report, by=dpo, reviewed_sha256=report.sha256)
    send_report_link(report, sent_by=dpo)
    body = mail.outbox[-1].body
    assert ESTONIAN_AUTHORITY in body and FINNISH_AUTHORITY not in body
    with zipfile.ZipFile(io.BytesIO(report.path.read_bytes())) as archive:
        index = archive.read("index.html").decode()
    assert ESTONIAN_AUTHORITY in index and FINNISH_AUTHORITY not in index


def test_erasure_holds_and_outcome_mail_apply_the_registers_country(estonian_shop, dpo):
    customer = make_customer(language="en")
    order = make_order(customer, placed_at=placed_2024())
    # Raamatupidamise seadus § 12: 7 years from the end of the financial year (Finland: end of 2030).
    plan = preview_erasure(customer)
    assert {(i.hold, i.until) for i in plan.retained if i.model is Order} == {
        ("bookkeeping", date(2031, 12, 31))
    }
    request = make_matched_request([customer], kind=Request.Kind.ERASURE)

    erase_for_request(request, by=dpo)

    body = mail.outbox[-1].body
    assert ESTONIAN_AUTHORITY in body and FINNISH_AUTHORITY not in body
    assert "Raamatupidamise seadus § 12" in body and "2031-12-31" in body
    order.refresh_from_db()
    assert order.purge_after == date(2031, 12, 31)


def test_national_phone_numbers_get_the_registers_calling_code(estonian_shop):
    assert normalize_phone("5123 4567") == "+37251234567"
