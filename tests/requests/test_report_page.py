"""The readable page of the access report (index.html): the customer's language, local times, no internals."""

import datetime
import json
import zipfile

import pytest
from django.utils import timezone

from customers.models import Order
from requests.reports import build_access_report
from tests.factories import make_consent, make_matched_request, make_order
from tests.requests.test_access_report import full_customer

pytestmark = pytest.mark.django_db


def index_of(report) -> str:
    return zipfile.ZipFile(report.path).read("index.html").decode()


def test_labels_in_the_customers_language_and_no_codes(dpo):
    customer = full_customer(language="fi")
    make_consent(customer, via="web_form")
    report = build_access_report(make_matched_request([customer], language="fi"), by=dpo)
    page = index_of(report)
    for code in ["delivered", "granted", "newsletter_email", "web_form", "in_progress", ">fi<"]:
        assert code not in page, code
    assert "Toimitettu" in page  # Order.Status.DELIVERED
    assert "Annettu" in page  # ConsentEvent.Action.GRANTED
    assert "Verkkolomake" in page  # ConsentEvent.Via.WEB_FORM
    assert "suomi" in page.lower()  # the customer's language by its name


def test_derived_copies_stay_in_data_json_but_not_on_the_page(dpo):
    customer = full_customer()
    report = build_access_report(make_matched_request([customer]), by=dpo)
    page = index_of(report)
    for digest in [customer.email_digest, customer.phone_digest]:
        assert digest and digest not in page
    for name in ["email_normalized", "email_digest", "phone_normalized", "phone_digest"]:
        label = str(type(customer)._meta.get_field(name).verbose_name).capitalize()
        assert f">{label}<" not in page
    profile = json.loads(zipfile.ZipFile(report.path).read("data.json"))["customers"][0]["profile"][
        "customer"
    ]
    assert profile[0]["email_digest"] == customer.email_digest
    assert profile[0]["email_normalized"] == customer.email_normalized


def test_profile_is_a_field_value_list_and_times_are_local_with_the_zone_named(dpo, settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    customer = full_customer(language="sv")
    make_order(customer, number="TZ1", placed_at=datetime.datetime(2026, 6, 1, 21, 30, tzinfo=datetime.UTC))
    report = build_access_report(make_matched_request([customer], language="sv"), by=dpo)
    page = index_of(report)
    assert '<table class="fields">' in page
    assert '<th scope="row">Förnamn</th>' in page
    # 21:30 UTC is 00:30 the next day in Helsinki (summer time), with the zone named.
    assert "2026-06-02 00:30 EEST" in page
    assert "Europe/Helsinki" in page
    assert "2026-06-01T21:30:00+00:00" in zipfile.ZipFile(report.path).read("data.json").decode()


def test_report_queries_are_the_same_for_10_and_200_orders(dpo, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def customer_with(orders: int):
        customer = full_customer()
        Order.objects.bulk_create(
            Order(
                customer=customer, number=f"N{customer.pk}-{n:05d}", total="10.00", placed_at=timezone.now()
            )
            for n in range(orders - 1)
        )
        return make_matched_request([customer])

    ten, two_hundred = customer_with(10), customer_with(200)
    with CaptureQueriesContext(connection) as baseline:
        build_access_report(ten, by=dpo)
    count = len(baseline.captured_queries)
    # One read per declared table and per hold, the holds' facts (countries, periods, statutory holds)
    # once per report: 47 today.
    assert count <= 50
    with django_assert_num_queries(count):
        build_access_report(two_hundred, by=dpo)
    # Each table is read once: one SELECT per declared table for the data, whatever the rows.
    order_reads = [
        q
        for q in baseline.captured_queries
        if 'FROM "customers_order"' in q["sql"] and '"customers_order"."delivery_name"' in q["sql"]
    ]
    assert len(order_reads) == 1


def test_rectified_fields_are_named_not_coded(dpo):
    from requests.rectification import record_proposals
    from tests.factories import make_customer

    customer = make_customer(language="sv")
    earlier = make_matched_request([customer], kind="rectification", language="sv")
    record_proposals(earlier, {"street_address": "Storgatan 2"})
    report = build_access_report(make_matched_request([customer], language="sv"), by=dpo)
    page = index_of(report)
    assert ">street_address<" not in page
    assert "Gatuadress" in page
