"""Orders and their bookkeeping records go when the register country's period is over (docs/legal.md).

Periods count from the end of the right year: the calendar year (FI, SE), the financial year
(NO, EE) or, for Estonian invoices, the issue date. A record one day inside stays; one day past goes.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from customers.models import Invoice, Order, OrderLine, Payment, Return
from customers.retention import OrderBookkeeping
from register.models import PurgeRuleResult, RetentionRule
from register.retention import run_purge
from tests.factories import (
    make_invoice,
    make_order,
    make_order_line,
    make_payment,
    make_published_retention_register,
    make_return,
)

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def order_with_records(placed: date, issued: date | None = None, paid: bool = True):
    order = make_order(placed_at=at(placed))
    make_order_line(order)
    if issued is not None:
        invoice = make_invoice(order, issued_at=at(issued))
        if paid:
            make_payment(invoice, paid_at=at(issued))
    return order


def purge_on(day: date) -> PurgeRuleResult:
    result = run_purge(only="order_bookkeeping", now=at(day)).results.get()
    assert result.status == PurgeRuleResult.Status.DONE, result.error
    return result


@pytest.mark.parametrize(
    ("country", "placed", "issued", "last_day_kept"),
    [
        # Kirjanpitolaki 2:10: vouchers 6 years from the end of the calendar year (2024 → end of 2030).
        ("FI", date(2024, 6, 15), date(2024, 6, 15), date(2030, 12, 31)),
        # Bokföringslagen 7:2: 7 years after the end of the calendar year.
        ("SE", date(2024, 6, 15), date(2024, 6, 15), date(2031, 12, 31)),
        # Bokføringsloven § 13: invoices (primary) 5 years after the end of the financial year.
        ("NO", date(2024, 6, 15), date(2024, 6, 15), date(2029, 12, 31)),
        # Norway, an order without invoice is secondary documentation: 3.5 years.
        ("NO", date(2024, 6, 15), None, date(2028, 6, 30)),
        # Estonia: invoices 7 years from issue (VAT Act § 36); the order itself 7 years from the
        # end of its financial year (2030-12-31), so the invoice issued later decides.
        ("EE", date(2023, 12, 20), date(2024, 6, 15), date(2031, 6, 15)),
        ("EE", date(2024, 6, 15), None, date(2031, 12, 31)),
    ],
)
def test_bookkeeping_period_per_country(country, placed, issued, last_day_kept):
    make_published_retention_register(country)
    # Estonian payments are vouchers counted from the end of the financial year; leave them out
    # so that the invoice's own period shows.
    order = order_with_records(placed, issued, paid=country != "EE")

    assert purge_on(last_day_kept).total == 0
    assert Order.objects.filter(pk=order.pk).exists()

    result = purge_on(last_day_kept + timedelta(days=1))
    assert result.total == 1
    assert not Order.objects.filter(pk=order.pk).exists()
    assert not OrderLine.objects.exists()
    assert not Invoice.objects.exists() and not Payment.objects.exists()


def test_a_late_payment_or_return_keeps_the_whole_order():
    make_published_retention_register("SE")
    late_payment = order_with_records(date(2020, 3, 1), date(2020, 3, 1))
    make_payment(late_payment.invoices.get(), paid_at=at(date(2021, 1, 10)))
    late_return = order_with_records(date(2020, 3, 1), date(2020, 3, 1))
    make_return(late_return, returned_at=at(date(2021, 1, 5)))
    done = order_with_records(date(2020, 3, 1), date(2020, 3, 1))

    result = purge_on(date(2028, 1, 1))

    assert result.total == 1
    assert set(Order.objects.all()) == {late_payment, late_return}
    assert Return.objects.filter(order=late_return).exists()
    assert not Order.objects.filter(pk=done.pk).exists()


def test_the_register_rule_can_keep_longer_than_the_statute():
    make_published_retention_register(order_bookkeeping=(10, "years", "end_of_calendar_year"))
    order = order_with_records(date(2015, 6, 1), date(2015, 6, 1))

    assert purge_on(date(2025, 12, 31)).total == 0
    assert purge_on(date(2026, 1, 1)).total == 1
    assert not Order.objects.filter(pk=order.pk).exists()


def test_orders_of_a_restricted_customer_or_with_a_later_purge_date_stay():
    make_published_retention_register()
    restricted = order_with_records(date(2010, 6, 1), date(2010, 6, 1))
    restricted.customer.restrict("Needed for a legal claim (GDPR Art. 18(1)(c))")
    marked = order_with_records(date(2010, 6, 1), date(2010, 6, 1))
    Order.objects.filter(pk=marked.pk).update(purge_after=date(2026, 1, 1))

    assert purge_on(date(2025, 6, 1)).total == 0
    assert purge_on(date(2026, 1, 2)).total == 1
    assert set(Order.objects.all()) == {restricted}


def test_the_order_selection_never_joins_the_customer_table():
    # Joining every order batch to the customers made PostgreSQL hash the whole customer table per
    # batch; the hold on restricted customers must stay a NOT EXISTS on the few restricted ones.
    config = RetentionRule(
        rule="order_bookkeeping", period_amount=1, period_unit="years", counts_from="creation"
    )
    step = OrderBookkeeping(config, timezone.now()).steps()[0]
    sql = str(step.queryset.query)

    assert "JOIN" not in sql.split("EXISTS")[0]
    assert 'U0."restricted_at" IS NOT NULL' in sql
