"""On demo data: every retention rule has work, one run finishes it, and the dry run predicts it."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from register.models import PurgeRun, RetentionKey
from register.retention import run_purge

pytestmark = pytest.mark.django_db


def test_dry_run_on_a_fresh_demo_has_work_for_every_rule():
    call_command("load_example_register", "jalonom", stdout=io.StringIO())
    call_command("generate_demo_data", customers=300, stdout=io.StringIO())

    call_command("purge_expired", "--dry-run", stdout=io.StringIO())

    run = PurgeRun.objects.get()
    totals = dict(run.results.values_list("rule", "total"))
    assert set(totals) == set(RetentionKey.values)
    assert all(total > 0 for total in totals.values()), totals


def results(run: PurgeRun) -> dict:
    return {result.rule: (result.total, result.counts, result.failed) for result in run.results.all()}


def test_one_run_reaches_what_repeated_runs_reach_and_the_dry_run_predicts_it():
    call_command("load_example_register", "jalonom", stdout=io.StringIO())
    call_command("generate_demo_data", customers=300, seed=5, stdout=io.StringIO())
    now = timezone.now()

    dry = run_purge(dry_run=True, now=now)
    real = run_purge(now=now)
    again = run_purge(now=now)

    assert real.status == PurgeRun.Status.SUCCEEDED
    assert results(real) == results(dry)
    # Old unfinished orders held some inactive customers; the run deleted the orders before it
    # looked at the customers, so nothing is left for a second run.
    assert {rule: total for rule, (total, _counts, _failed) in results(again).items()} == dict.fromkeys(
        RetentionKey.values, 0
    )
