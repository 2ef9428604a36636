"""A dry run changes nothing and counts what a real run does; interrupted runs finish on re-run."""

from collections import Counter

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import Customer, Invoice, Order, OrderLine, Payment, Return
from customers.retention import hooks
from register.models import PurgeRuleResult, PurgeRun
from register.retention import Purger, history_model, run_purge
from tests.factories import make_published_retention_register, make_retention_world

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def fake_erase_customer(customer, *, request=None, by=None, reason: str):
    """Stands in for requests.erasure.erase_customer, at the run's own time (same result every run)."""
    Customer.objects.filter(pk=customer.pk).update(first_name="", last_name="", email="", erased_at=NOW)


@pytest.fixture
def world(settings):
    settings.SHOP_COUNTRY = "FI"
    make_published_retention_register()
    make_retention_world(NOW, private_root=settings.PRIVATE_STORAGE_ROOT)


def data_models():
    for label in ("customers", "requests"):
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def snapshot() -> dict:
    """Every row of the apps holding personal data (and their history), by table."""
    return {
        model._meta.label: sorted(map(repr, model._base_manager.order_by("pk").values_list()))
        for model in data_models()
    }


def history_counts() -> Counter:
    return Counter(
        {
            model._meta.label: model._base_manager.count()
            for model in data_models()
            if hasattr(model, "instance_type")
        }
    )


def results(run: PurgeRun) -> dict:
    return {result.rule: (result.total, result.counts) for result in run.results.all()}


def test_dry_run_changes_nothing_and_counts_what_the_real_run_does(world):
    before = snapshot()

    dry = run_purge(dry_run=True, now=NOW, batch_size=7)

    assert snapshot() == before
    assert dry.dry_run and dry.status == PurgeRun.Status.SUCCEEDED
    planned = results(dry)
    real = run_purge(now=NOW, batch_size=7)
    assert real.status == PurgeRun.Status.SUCCEEDED, [r.error for r in real.results.all()]
    assert results(real) == planned
    # Every rule has something to do in this world.
    assert all(total > 0 for total, _counts in planned.values()), planned
    # And a second run finds nothing left.
    again = run_purge(dry_run=True, now=NOW)
    assert all(total == 0 for total, _counts in results(again).values())


def test_dry_run_reports_the_oldest_date_per_rule(world):
    run = run_purge(dry_run=True, now=NOW)

    orders = run.results.get(rule="order_bookkeeping")
    assert orders.oldest == Order.objects.order_by("placed_at").first().placed_at


def test_purging_writes_no_history_and_leaves_none_for_purged_rows(world):
    order_ids = list(Order.objects.values_list("pk", flat=True))
    invoice_ids = list(Invoice.objects.values_list("pk", flat=True))
    before = history_counts()

    run = run_purge(only="order_bookkeeping", now=NOW)

    result = run.results.get()
    deleted_history = Counter({label: n for label, n in result.counts.items() if ".Historical" in label})
    assert deleted_history["customers.HistoricalOrder"] == 25
    assert history_counts() == before - deleted_history
    gone_orders = set(order_ids) - set(Order.objects.values_list("pk", flat=True))
    gone_invoices = set(invoice_ids) - set(Invoice.objects.values_list("pk", flat=True))
    assert len(gone_orders) == 25 and len(gone_invoices) == 25
    assert not history_model(Order).objects.filter(id__in=gone_orders).exists()
    assert not history_model(Invoice).objects.filter(id__in=gone_invoices).exists()
    assert not history_model(Payment).objects.filter(invoice_id__in=gone_invoices).exists()
    assert not history_model(Return).objects.filter(order_id__in=gone_orders).exists()
    assert not OrderLine.objects.filter(order_id__in=gone_orders).exists()


class Rollback(Exception):
    pass


class Killed(BaseException):
    """Stands in for the process being killed mid-run: nothing in the run can catch it."""


def test_interrupted_run_finishes_on_rerun_in_the_same_state(world, monkeypatch):
    # Real erasure stamps the time of day; a deterministic stand-in lets the states compare exactly.
    monkeypatch.setattr(hooks, "erase_customer", fake_erase_customer)
    # The state an uninterrupted run leaves, measured inside a savepoint that is then undone.
    try:
        with transaction.atomic():
            assert run_purge(now=NOW, batch_size=10).status == PurgeRun.Status.SUCCEEDED
            expected = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert Order.objects.count() == 27

    # Killed in the middle of the second order batch, after its payments were already deleted.
    real_delete = Purger.delete
    calls = Counter()

    def killed_delete(self, model, pks):
        done = real_delete(self, model, pks)
        calls[model] += 1
        if model is Payment and calls[Payment] == 2:
            raise Killed
        return done

    monkeypatch.setattr(Purger, "delete", killed_delete)
    with pytest.raises(Killed):
        run_purge(now=NOW, batch_size=10)
    monkeypatch.setattr(Purger, "delete", real_delete)

    interrupted = PurgeRun.objects.get()
    partial = interrupted.results.get(rule="order_bookkeeping")
    # The first batch is done and recorded, the second rolled back whole (its payments are back), the
    # rest untouched.
    assert partial.total == 10
    assert (
        Order.objects.count() == 17
        and Payment.objects.filter(invoice__order__in=Order.objects.all()).count() == 15
    )

    rerun = run_purge(now=NOW, batch_size=10)

    interrupted.refresh_from_db()
    assert interrupted.status == PurgeRun.Status.INTERRUPTED
    assert rerun.status == PurgeRun.Status.SUCCEEDED
    assert rerun.results.get(rule="order_bookkeeping").total == 15
    assert snapshot() == expected


def test_a_failing_row_is_recorded_and_the_rest_of_its_rule_goes_on(world, monkeypatch):
    victim = Order.objects.order_by("placed_at").first()
    real_delete = Purger.delete

    def failing_delete(self, model, pks):
        pks = list(pks)
        if model is Order and victim.pk in pks:
            raise IntegrityError("a constraint refused the delete")
        return real_delete(self, model, pks)

    monkeypatch.setattr(Purger, "delete", failing_delete)

    run = run_purge(now=NOW, batch_size=10)

    result = run.results.get(rule="order_bookkeeping")
    assert result.status == PurgeRuleResult.Status.DONE
    assert (result.total, result.failed, result.failed_ids) == (24, 1, [victim.pk])
    # The failing order is left whole, with its bookkeeping records; the other 24 old orders are gone.
    assert Order.objects.filter(pk=victim.pk).exists()
    assert Payment.objects.filter(invoice__order=victim).count() == 1
    assert Order.objects.count() == 3
    # The run says it finished with errors, and the other rules ran.
    assert run.status == PurgeRun.Status.FAILED
    assert not run.results.filter(status=PurgeRuleResult.Status.FAILED).exists()


def test_a_customer_whose_erasure_fails_is_recorded_and_the_others_are_erased(world, monkeypatch):
    from requests.erasure import erase_customer

    inactive = list(
        Customer.objects.filter(
            erased_at__isnull=True, last_activity_at__lt=NOW - timezone.timedelta(days=1000)
        )
    )
    victim = inactive[0]

    def flaky_erase(customer, **kwargs):
        if customer.pk == victim.pk:
            raise IntegrityError("a check constraint refused the erasure")
        return erase_customer(customer, **kwargs)

    monkeypatch.setattr(hooks, "erase_customer", flaky_erase)

    run = run_purge(only="customer_inactive", now=NOW)

    result = run.results.get()
    assert (result.total, result.failed, result.failed_ids) == (len(inactive) - 1, 1, [victim.pk])
    victim.refresh_from_db()
    assert victim.erased_at is None and victim.email
    assert Customer.objects.filter(pk__in=[c.pk for c in inactive[1:]], erased_at__isnull=False).count() == 2
    assert run.status == PurgeRun.Status.FAILED


def test_a_run_killed_outright_is_marked_interrupted_by_the_next(world):
    killed = PurgeRun.objects.create(status=PurgeRun.Status.RUNNING)

    run_purge(dry_run=True, now=NOW)

    killed.refresh_from_db()
    assert killed.status == PurgeRun.Status.INTERRUPTED
