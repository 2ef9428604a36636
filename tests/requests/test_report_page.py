"""The readable page of the access report (index.html): the customer's language, local times, no internals."""

import datetime
import json
import zipfile

import pytest

from customers.models import Order
from requests.reports import build_access_report
from tests.factories import (
    make_consent,
    make_invoice,
    make_matched_request,
    make_order,
    make_order_line,
    make_payment,
    make_return,
)
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


def _customer_with(orders: int):
    """A customer with ``orders`` delivered orders, each with a line, an invoice, a payment and a return."""
    customer = full_customer()
    for n in range(orders - 1):
        order = make_order(customer, status=Order.Status.DELIVERED, number=f"Q{customer.pk}-{n:03d}")
        make_order_line(order)
        make_payment(make_invoice(order))
        make_return(order)
        make_consent(customer, action="withdrawn" if n % 2 else "granted")
    return make_matched_request([customer])


# The tables the report exports whose rows grow with the orders: each is read by one query.
ORDER_TABLES = ["customers_orderline", "customers_invoice", "customers_payment", "customers_return"]


def test_report_queries_are_the_same_for_1_and_50_orders(dpo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one, fifty = _customer_with(1), _customer_with(50)
    assert Order.objects.filter(customer__in=fifty.customers.all()).count() == 50
    with CaptureQueriesContext(connection) as small:
        build_access_report(one, by=dpo)
    with CaptureQueriesContext(connection) as large:
        build_access_report(fifty, by=dpo)
    # One read per declared table, the law's facts (countries, periods, statutory holds, the orders'
    # event dates) once per report, the report's row and event: 30 today.
    assert len(small.captured_queries) <= 30
    assert len(large.captured_queries) == len(small.captured_queries)
    for captured in (small, large):
        sqls = [query["sql"] for query in captured.captured_queries]
        # Each table is read once: the export and the law's holds share the read.
        assert len([sql for sql in sqls if '"customers_order"."delivery_name"' in sql]) == 1
        for table in ORDER_TABLES:
            assert len([sql for sql in sqls if sql.startswith(f'SELECT "{table}"."id"')]) == 1, table


def test_what_the_law_keeps_counts_every_record_of_a_customer_with_many_orders(dpo):
    import re

    from django.apps import apps
    from django.utils import translation

    request = _customer_with(50)
    page = index_of(build_access_report(request, by=dpo))
    start = page.index('<section id="art15-1-d">')
    section = page[start : page.index("</section>", start)]
    counts: dict[str, int] = {}
    for what, count in re.findall(r"<li>([^<(]+) \((\d+)\)", section):
        counts[what] = counts.get(what, 0) + int(count)
    # Every order and each of its records is a bookkeeping record, read with the export and counted once.
    for model in ["Order", "OrderLine", "Invoice", "Payment", "Return"]:
        with translation.override(request.language):
            title = str(apps.get_model("customers", model)._meta.verbose_name_plural)
        assert counts.get(title[:1].upper() + title[1:]) == 50, (model, counts)


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


def test_what_the_law_keeps_gives_the_first_and_last_end_of_records_held_from_each_delivery(dpo):
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from register.models import publish
    from tests.factories import make_complete_register, make_customer

    publish(make_complete_register(country="SE"))
    customer = make_customer(language="en")
    # Three orders delivered on three days of one month: the complaint period (3 years from delivery)
    # ends on three days, the bookkeeping period (7 years from the end of the year) on one.
    days = [datetime.date(timezone.localdate().year - 1, 3, day) for day in (2, 11, 20)]
    for day in days:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        make_order(customer, placed_at=moment, delivered_at=moment, status=Order.Status.DELIVERED)
    page = index_of(build_access_report(make_matched_request([customer], language="en"), by=dpo))
    start = page.index('<section id="art15-1-d">')
    section = page[start : page.index("</section>", start)]

    ends = [day + relativedelta(years=3) for day in days]
    assert f"Orders (3), kept until {days[0].year + 7}-12-31:" in section
    assert f"(Konsumentköplagen (2022:260)): until a date between {ends[0]} and {ends[-1]}" in section
    # One line for the three orders, not one per day of delivery.
    assert str(ends[1]) not in section


def test_what_the_law_keeps_merges_only_records_ending_in_one_month_under_the_same_holds():
    from requests.report_tables import by_month

    def group(until: datetime.date, statute: str) -> dict:
        holds = [{"name": "Complaints", "statute": statute, "until": until}]
        return {"what": "orders", "count": 1, "why": "Statutory", "until": until, "holds": holds}

    merged = by_month(
        [
            group(datetime.date(2029, 3, 1), "Act"),
            group(datetime.date(2029, 3, 20), "Act"),
            group(datetime.date(2029, 4, 2), "Act"),
            group(datetime.date(2029, 3, 5), "Other act"),
        ]
    )

    assert [(g["count"], g["until_from"], g["until"], g["holds"][0]["statute"]) for g in merged] == [
        (2, datetime.date(2029, 3, 1), datetime.date(2029, 3, 20), "Act"),
        (1, None, datetime.date(2029, 4, 2), "Act"),
        (1, None, datetime.date(2029, 3, 5), "Other act"),
    ]
    assert merged[0]["holds"] == [
        {
            "name": "Complaints",
            "statute": "Act",
            "until_from": datetime.date(2029, 3, 1),
            "until": datetime.date(2029, 3, 20),
        }
    ]
