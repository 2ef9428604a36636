"""Statutory holds kept as data: seeded defaults, erasure keeps only what each hold covers until its
latest end, the retention job deletes no order still held, and every text names each hold.

Registers are built in the tests; dates are relative to today so the holds still run.
"""

import io
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from customers import holds
from customers.holds import order_matches
from customers.models import Invoice, Order, OrderLine, Return
from register.legal import STATUTORY_HOLDS
from register.models import (
    HeldRecord,
    HoldCondition,
    HoldKind,
    PurgeRuleResult,
    StatutoryHold,
    publish,
)
from register.models.holds import add_period
from register.models.parts import PeriodUnit
from register.record import build_record, record_csv
from register.registry import memoised_lookups
from register.retention import run_purge
from requests.erasure import erase_customer, erase_for_request, preview_erasure
from requests.models import Request
from requests.reports import build_access_report
from tests.conftest import login_with_second_factor
from tests.factories import (
    make_complete_register,
    make_customer,
    make_invoice,
    make_matched_request,
    make_order,
    make_order_line,
    make_payment,
    make_published_retention_register,
    make_return,
)

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def today() -> date:
    return timezone.localdate()


def held(plan, model) -> set:
    """{(hold, kind, statute, until)} of every hold on the retained rows of ``model``."""
    return {(m.name, m.kind, m.statute, m.until) for i in plan.retained if i.model is model for m in i.holds}


def test_the_defaults_of_docs_legal_are_seeded_for_the_dpo_to_check():
    rows = {(h.country, h.statute): h for h in StatutoryHold.objects.all()}
    assert len(rows) == len(STATUTORY_HOLDS)
    for default in STATUTORY_HOLDS:
        hold = rows[(default.country, default.statute)]
        assert (hold.kind, hold.records, hold.counts_from, hold.period_amount, hold.condition) == (
            default.kind,
            default.records,
            default.counts_from,
            default.years,
            default.condition,
        )
        assert hold.needs_review and hold.is_active == default.is_active
    sweden = rows[("SE", "Konsumentköplagen (2022:260)")]
    assert (sweden.period_amount, sweden.counts_from) == (3, "delivery")
    durable = rows[("NO", "Forbrukerkjøpsloven § 27 (goods meant to last considerably longer)")]
    assert durable.period_amount == 5 and not durable.is_active
    debt = rows[("", "GDPR Art. 17(3)(e)")]
    assert debt.period_amount is None and debt.condition == HoldCondition.UNPAID_IN_COLLECTION
    assert debt.keeps_identifiers


def test_erasure_keeps_what_a_consumer_hold_covers_until_the_latest_end_and_names_every_hold():
    make_complete_register(country="SE")
    delivered = today() - timedelta(days=100)
    order = make_order(placed_at=at(delivered - timedelta(days=3)), delivered_at=at(delivered))
    make_order_line(order)
    # A return without refund is no bookkeeping voucher: only the consumer hold keeps it.
    make_return(order, refund_amount=Decimal("0"), status=Return.Status.REJECTED)
    complaint_end = delivered + relativedelta(years=3)
    bookkeeping_end = date(order.placed_at.year + 7, 12, 31)

    plan = preview_erasure(order.customer)

    complaint = ("statutory", HoldKind.CONSUMER_COMPLAINT, "Konsumentköplagen (2022:260)", complaint_end)
    bookkeeping = ("bookkeeping", "", "Bokföringslagen 1999:1078, 7 kap. 2 §", bookkeeping_end)
    assert held(plan, Order) == {complaint, bookkeeping}
    assert held(plan, OrderLine) == {complaint, bookkeeping}
    assert held(plan, Return) == {complaint}
    item = next(i for i in plan.retained if i.model is Order)
    assert (item.hold, item.until, item.keeps_identifiers) == ("bookkeeping", bookkeeping_end, False)
    returned = next(i for i in plan.retained if i.model is Return)
    assert (returned.until, returned.keeps_identifiers) == (complaint_end, False)

    record = erase_customer(order.customer, reason="test")

    order.refresh_from_db()
    assert order.delivery_name == "" and order.purge_after == bookkeeping_end
    kept = [i for i in record.items if i["model"] == "customers.return"]
    assert kept[0]["holds"] == [
        {
            "hold": "statutory",
            "kind": "consumer_complaint",
            "statute": "Konsumentköplagen (2022:260)",
            "until": complaint_end.isoformat(),
        }
    ]


def test_a_hold_keeps_only_the_records_it_covers():
    make_complete_register(country="FI")
    StatutoryHold.objects.update(is_active=False)
    StatutoryHold.objects.create(
        country="FI",
        kind=HoldKind.OTHER,
        statute="Returns act",
        records=["returns"],
        counts_from="return",
        period_amount=20,
        period_unit="years",
    )
    order = make_order(placed_at=at(date(2010, 3, 1)))
    make_order_line(order)
    make_return(order, returned_at=at(date(2010, 3, 10)), refund_amount=Decimal("0"), status="rejected")

    plan = preview_erasure(order.customer)

    assert held(plan, Return) == {("statutory", "other", "Returns act", date(2030, 3, 10))}
    # The order's bookkeeping period ended in 2016; nothing keeps the order or its lines any more
    # but their (past) bookkeeping end.
    assert all(
        m.name == "bookkeeping" for i in plan.retained if i.model in (Order, OrderLine) for m in i.holds
    )


def test_an_unpaid_invoice_in_debt_collection_is_kept_as_it_is_until_paid():
    make_complete_register(country="NO")
    order = make_order(placed_at=at(date(2012, 1, 5)))
    invoice = make_invoice(order, issued_at=at(date(2012, 1, 5)), collection_started_on=date(2012, 3, 1))
    make_payment(invoice, amount=Decimal("10.00"))  # part of it

    plan = preview_erasure(order.customer)

    debt = ("statutory", HoldKind.DEBT_COLLECTION, "GDPR Art. 17(3)(e)", None)
    assert debt in held(plan, Invoice) and debt in held(plan, Order)
    item = next(i for i in plan.retained if i.model is Invoice)
    assert item.keeps_identifiers and item.until is None

    erase_customer(order.customer, reason="test")
    invoice.refresh_from_db()
    assert invoice.billing_name  # still needed to collect the debt

    # Once paid, the hold ends.
    make_payment(invoice, amount=invoice.amount - Decimal("10.00"))
    assert debt not in held(preview_erasure(order.customer), Invoice)


def test_the_retention_job_deletes_no_order_still_under_a_statutory_hold():
    register = make_published_retention_register("FI")
    StatutoryHold.objects.create(
        country="FI",
        kind=HoldKind.CONSUMER_COMPLAINT,
        statute="Long complaints act",
        records=["orders", "order_lines"],
        counts_from="delivery",
        period_amount=12,
        period_unit="years",
    )
    kept = make_order(placed_at=at(date(2015, 1, 2)), delivered_at=at(date(2015, 2, 1)))
    make_order(placed_at=at(date(2010, 1, 2)), delivered_at=at(date(2010, 2, 1)))
    in_collection = make_order(placed_at=at(date(2010, 1, 2)), status=Order.Status.CANCELLED)
    make_invoice(in_collection, issued_at=at(date(2010, 1, 2)), collection_started_on=date(2010, 6, 1))
    assert register.country == "FI"

    result = run_purge(only="order_bookkeeping", now=at(date(2026, 6, 1))).results.get()

    assert result.status == PurgeRuleResult.Status.DONE and result.total == 1
    assert set(Order.objects.all()) == {kept, in_collection}
    # One day after the complaint period of the kept order ended (2015-02-01 + 12 years), it goes too.
    result = run_purge(only="order_bookkeeping", now=at(date(2027, 2, 2))).results.get()
    assert set(Order.objects.all()) == {in_collection}


def test_holds_of_another_country_do_not_apply():
    make_published_retention_register("FI")
    StatutoryHold.objects.create(
        country="SE",
        kind=HoldKind.OTHER,
        statute="Swedish act",
        records=["orders"],
        counts_from="purchase",
        period_amount=30,
        period_unit="years",
    )
    order = make_order(placed_at=at(date(2010, 1, 2)))
    assert ("statutory", "other", "Swedish act", date(2040, 1, 2)) not in held(
        preview_erasure(order.customer), Order
    )
    assert run_purge(only="order_bookkeeping", now=at(date(2026, 6, 1))).results.get().total == 1


def test_outcome_email_names_every_hold_with_statute_and_end_date(dpo):
    make_complete_register(country="SE")
    customer = make_customer(language="en")
    delivered = today() - timedelta(days=30)
    make_order(customer, placed_at=at(delivered), delivered_at=at(delivered))
    request = make_matched_request([customer], kind=Request.Kind.ERASURE)

    erase_for_request(request, by=dpo)

    body = mail.outbox[-1].body
    assert "Bokföringslagen 1999:1078, 7 kap. 2 §" in body
    assert "Consumer complaints and claims (Konsumentköplagen (2022:260)): until " in body
    assert (delivered + relativedelta(years=3)).isoformat() in body
    assert f"{delivered.year + 7}-12-31" in body


def test_notice_record_and_access_report_list_the_holds_of_the_registers_countries(client, dpo):
    register = make_complete_register(country="SE")
    publish(register)
    with translation.override("en"):
        notice = client.get(reverse("register:privacy")).content.decode()
        record = build_record(register)
        csv_text = record_csv(record)
    sweden = "Consumer complaints and claims, Konsumentköplagen (2022:260): orders, order lines, returns"
    assert f"{sweden}, 3 years from delivery" in notice
    assert "Bokföringslagen 1999:1078, 7 kap. 2 §" in notice
    # Another country's holds are not this shop's.
    assert "Forbrukerkjøpsloven" not in notice
    assert any(
        "Konsumentköplagen (2022:260)" in line and "3 years from delivery" in line
        for line in record.law_holds
    )
    assert any("Bokföringslagen" in line for line in record.law_holds)
    assert "Konsumentköplagen (2022:260)" in csv_text

    customer = make_customer(language="en")
    delivered = today() - timedelta(days=30)
    make_order(customer, placed_at=at(delivered), delivered_at=at(delivered))
    report = build_access_report(make_matched_request([customer], kind=Request.Kind.ACCESS), by=dpo)
    with zipfile.ZipFile(io.BytesIO(report.path.read_bytes())) as archive:
        index = archive.read("index.html").decode()
    assert (
        "(Konsumentköplagen (2022:260)): until " + (delivered + relativedelta(years=3)).isoformat() in index
    )
    assert "3 years from delivery" in index


@pytest.mark.parametrize(
    ("language", "one", "three", "months"),
    [
        ("sv", "1 år från leveransen", "3 år från leveransen", "6 månader från förfallodagen"),
        ("fi", "1 vuosi toimituksesta", "3 vuotta toimituksesta", "6 kuukautta eräpäivästä"),
        ("nb", "1 år fra leveringen", "3 år fra leveringen", "6 måneder fra forfallsdatoen"),
        ("en", "1 year from delivery", "3 years from delivery", "6 months from the due date"),
    ],
)
def test_hold_periods_read_as_whole_phrases_in_every_language(language, one, three, months):
    def text(amount, unit, event):
        hold = StatutoryHold(period_amount=amount, period_unit=unit, counts_from=event, condition="always")
        with translation.override(language):
            return hold.period_text()

    assert text(1, "years", "delivery") == one
    assert text(3, "years", "delivery") == three
    assert text(6, "months", "invoice_due") == months


def test_dpo_edits_holds_and_customer_service_only_reads_them(client, dpo, customer_service):
    hold = StatutoryHold.objects.get(country="SE")
    url = reverse("admin:register_statutoryhold_change", args=[hold.pk])
    data = {
        "country": "SE",
        "kind": hold.kind,
        "statute": hold.statute,
        "records": ["orders", "returns"],
        "counts_from": "delivery",
        "period_amount": "3",
        "period_unit": "years",
        "condition": "always",
        "is_active": "on",
        "note": "Checked with our DPO",
    }
    login_with_second_factor(client, customer_service)
    page = client.get(url)
    assert page.status_code == 200 and b'name="statute"' not in page.content  # read-only
    assert client.post(url, data).status_code == 403
    assert client.get(reverse("admin:register_statutoryhold_history", args=[hold.pk])).status_code == 200
    login_with_second_factor(client, dpo)
    assert client.post(url, data).status_code == 302
    hold.refresh_from_db()
    assert hold.records == ["orders", "returns"] and not hold.needs_review
    assert hold.history.filter(history_type="~").count() == 1
    # A hold on every order needs a period.
    page = client.post(url, {**data, "period_amount": ""})
    assert page.status_code == 200 and b"needs a period" in page.content
    assert client.get(reverse("admin:register_statutoryhold_changelist")).status_code == 200


@pytest.mark.parametrize("unit", [PeriodUnit.DAYS, PeriodUnit.MONTHS, PeriodUnit.YEARS])
def test_a_period_is_added_as_the_calendar_counts(unit):
    """Month ends and leap days: the day a month lacks becomes its last, as ``relativedelta`` says."""
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(0, 800, 7)]
    days += [date(2024, 2, 29), date(2023, 1, 31), date(2024, 12, 31)]
    for day in days:
        for amount in (0, 1, 3, 6, 10, 13, 24):
            expected = day + relativedelta(**{unit: amount})
            assert add_period(day, amount, unit) == expected, (day, amount, unit)


def _two_orders_delivered_the_same_day():
    make_complete_register(country="SE")
    delivered = today() - timedelta(days=100)
    customer = make_customer()
    return [
        make_order(customer=customer, placed_at=at(delivered - timedelta(days=3)), delivered_at=at(delivered))
        for _ in range(2)
    ]


def test_orders_read_in_separate_calls_of_one_run_share_their_matches():
    first, second = _two_orders_delivered_the_same_day()

    with memoised_lookups():
        one = order_matches([first.pk], HeldRecord.ORDERS, today())
        other = order_matches([second.pk], HeldRecord.ORDERS, today())

    # An access report reads a customer's orders a page at a time: a page's orders are worked out in a
    # call of their own, and still share the matches of the same hold and end (one object per end,
    # however many orders).
    assert one[first.pk] and other[second.pk] == one[first.pk]
    assert all(a is b for a, b in zip(one[first.pk], other[second.pk], strict=True))


def test_past_the_kept_orders_the_holds_are_read_again_and_stay_the_same(monkeypatch):
    orders = _two_orders_delivered_the_same_day()
    make_order(customer=orders[0].customer, placed_at=at(date(2010, 3, 1)))
    ids = [order.pk for order in Order.objects.order_by("pk")]
    with memoised_lookups():
        expected = order_matches(ids, HeldRecord.ORDERS, today())
    assert set(expected) == {order.pk for order in orders}

    monkeypatch.setattr(holds, "KEPT_ORDERS", 1)
    with memoised_lookups(), CaptureQueriesContext(connection) as queries:
        got = {}
        for pk in ids:
            got.update(order_matches([pk], HeldRecord.ORDERS, today()))
        read = len(queries)
        # The same orders again: each is read again once the kept orders were let go.
        for pk in ids:
            got.update(order_matches([pk], HeldRecord.ORDERS, today()))

    assert got == expected
    assert len(queries) > read
