"""The purge works set-based per batch: a batch costs the same statements for 5 rows as for 50, selects by
its key window, and never takes a row it did not select."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Invoice, Order, OrderLine, Payment, Return
from register.models import PurgeRuleResult
from register.retention import Batch, BatchChanged, RuleRun, history_model, run_purge
from tests.factories import (
    make_customer,
    make_invoice,
    make_order,
    make_order_line,
    make_payment,
    make_published_retention_register,
    make_return,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
LONG_AGO = NOW - timedelta(days=20 * 365)


@pytest.fixture(autouse=True)
def register(settings):
    settings.SHOP_COUNTRY = "FI"
    make_published_retention_register()


def old_orders(count: int, customer=None) -> list[Order]:
    """Orders long past every period, each with two lines, a paid invoice and a return."""
    customer = customer or make_customer()
    orders = []
    for _ in range(count):
        order = make_order(customer, placed_at=LONG_AGO)
        make_order_line(order)
        make_order_line(order)
        make_payment(make_invoice(order, issued_at=LONG_AGO), paid_at=LONG_AGO)
        make_return(order, returned_at=LONG_AGO)
        orders.append(order)
    return orders


def purge_orders(batch_size: int = 10_000) -> PurgeRuleResult:
    result = run_purge(only="order_bookkeeping", now=NOW, batch_size=batch_size).results.get()
    assert result.status == PurgeRuleResult.Status.DONE, result.error
    return result


def test_a_batch_costs_the_same_queries_for_5_orders_as_for_50():
    old_orders(5)
    with CaptureQueriesContext(connection) as five:
        assert purge_orders().total == 5
    old_orders(50)
    with CaptureQueriesContext(connection) as fifty:
        assert purge_orders().total == 50

    assert len(fifty.captured_queries) == len(five.captured_queries)
    assert not Order.objects.exists() and not OrderLine.objects.exists() and not Payment.objects.exists()


def test_orders_kept_between_purged_ones_stay_whole_with_their_records():
    orders = old_orders(9)
    # A recent order of the same customer inside the window, and an old one under a recent invoice.
    recent = make_order(orders[0].customer, placed_at=NOW - timedelta(days=10))
    make_order_line(recent)
    late_invoice = old_orders(1)[0]
    Invoice.objects.filter(order=late_invoice).update(issued_at=NOW - timedelta(days=10))
    kept = {recent.pk, late_invoice.pk}

    result = purge_orders()

    assert result.total == 9 and result.failed == 0
    assert set(Order.objects.values_list("pk", flat=True)) == kept
    assert set(OrderLine.objects.values_list("order_id", flat=True)) == kept
    assert Invoice.objects.get().order_id == late_invoice.pk
    assert Payment.objects.get().invoice.order_id == late_invoice.pk
    assert Return.objects.get().order_id == late_invoice.pk
    assert set(history_model(Order).objects.values_list("id", flat=True)) == kept
    assert result.counts["customers.Order"] == 9 and result.counts["customers.OrderLine"] == 18
    assert result.counts["customers.HistoricalOrder"] == 9


def test_history_of_an_order_deleted_earlier_stays_when_its_neighbours_go():
    first, deleted, last = old_orders(3)
    deleted_pk = deleted.pk
    # Deleted by hand: the history keeps the deletion until the history rule's own period is over.
    Payment.objects.filter(invoice__order=deleted).delete()
    Invoice.objects.filter(order=deleted).delete()
    Return.objects.filter(order=deleted).delete()
    deleted.delete()
    left = sorted(history_model(Order).objects.filter(id=deleted_pk).values_list("history_type", flat=True))
    assert left == ["+", "-"]

    result = purge_orders()

    assert result.total == 2
    assert (
        sorted(history_model(Order).objects.filter(id=deleted_pk).values_list("history_type", flat=True))
        == left
    )
    assert not history_model(Order).objects.filter(id__in=[first.pk, last.pk]).exists()


def test_an_order_committed_into_a_batch_window_meanwhile_stays(monkeypatch):
    first, gap, last = old_orders(3)
    gap_pk = gap.pk
    Payment.objects.filter(invoice__order=gap).delete()
    Invoice.objects.filter(order=gap).delete()
    Return.objects.filter(order=gap).delete()
    gap.delete()

    def someone_saves_an_order():
        order = make_order(first.customer, pk=gap_pk, placed_at=NOW)
        make_order_line(order)

    real_select, real_retry = RuleRun.select, RuleRun.retry
    errors = []

    def select_then_an_order_arrives(self, selection, *, after, keys):
        batch = real_select(self, selection, after=after, keys=keys)
        if not errors:
            # Committed by another process after the selection, with a key inside the batch's window.
            someone_saves_an_order()
        return batch

    def retry(self, step, pks, error):
        errors.append(error)
        # Undoing the batch undid the order here, in the test's one connection; the other process's
        # commit would have kept it.
        someone_saves_an_order()
        return real_retry(self, step, pks, error)

    monkeypatch.setattr(RuleRun, "select", select_then_an_order_arrives)
    monkeypatch.setattr(RuleRun, "retry", retry)

    result = purge_orders()

    assert [type(error) for error in errors] == [BatchChanged]
    assert (result.total, result.failed) == (2, 0)
    assert set(Order.objects.values_list("pk", flat=True)) == {gap_pk}
    assert OrderLine.objects.get().order_id == gap_pk
    assert not Order.objects.filter(pk__in=[first.pk, last.pk]).exists()


def test_a_batch_selecting_most_of_its_window_is_deleted_by_its_key_range(monkeypatch):
    orders = old_orders(6)
    recent = make_order(orders[0].customer, placed_at=NOW)
    seen = []
    real_apply = RuleRun.apply

    def spy(self, step, pks):
        seen.append(pks)
        return real_apply(self, step, pks)

    monkeypatch.setattr(RuleRun, "apply", spy)

    purge_orders()

    (batch,) = seen
    assert isinstance(batch, Batch)
    assert sorted(batch) == sorted(order.pk for order in orders)
    assert batch.skipped == [recent.pk] and batch.last == recent.pk


def test_a_batch_undone_at_commit_is_counted_once(monkeypatch):
    old_orders(4)
    real_record = RuleRun.record
    calls = Counter()

    def record_then_commit_fails(self, counts, *, done, failed):
        real_record(self, counts, done=done, failed=failed)
        calls["record"] += 1
        if calls["record"] == 1:
            # What a deferred constraint does at commit: the batch, and what it recorded, are undone.
            raise RuntimeError("the commit refused the batch")

    monkeypatch.setattr(RuleRun, "record", record_then_commit_fails)

    result = purge_orders()

    assert (result.total, result.failed) == (4, 0)
    assert result.counts["customers.Order"] == 4 and result.counts["customers.Payment"] == 4
    result.refresh_from_db()
    assert result.total == 4 and result.counts["customers.Order"] == 4
    assert not Order.objects.exists()


def test_dry_run_by_key_windows_counts_what_the_real_run_does():
    old_orders(12)
    make_order(make_customer(), placed_at=NOW)

    dry = run_purge(dry_run=True, only="order_bookkeeping", now=NOW, batch_size=5).results.get()
    real = purge_orders(batch_size=5)

    assert dry.total == real.total == 12
    assert dry.counts == real.counts
    assert dry.oldest == real.oldest == LONG_AGO
