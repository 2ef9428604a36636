"""Large reports are built by the worker: idempotent, and a killed worker loses nothing."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from register import outbox
from requests import background
from requests.models import AccessReport, Request
from tests.factories import make_complete_register, make_customer, make_matched_request, make_order

# The worker commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0
    )


@pytest.fixture(autouse=True)
def _bookkeeping_periods(transactional_db):
    """A committing test starts from empty tables: put back the periods the data migration wrote."""
    from register.legal import BOOKKEEPING_PERIODS
    from register.models import BookkeepingPeriod

    for country, kind, years, counts_from, statute in BOOKKEEPING_PERIODS:
        defaults = {"years": years, "counts_from": counts_from, "statute": statute}
        BookkeepingPeriod.objects.get_or_create(country=country, kind=kind, defaults=defaults)


@pytest.fixture
def large(settings):
    """A verified access request of a customer with more orders than the threshold, on the database queue."""
    settings.TASKS = DATABASE_TASKS
    settings.REPORT_BACKGROUND_ORDERS = 2
    make_complete_register()
    customer = make_customer()
    for _n in range(3):
        make_order(customer)
    return make_matched_request([customer], kind=Request.Kind.ACCESS)


def generate(client, request):
    return client.post(reverse("admin:requests_accessreport_generate", args=[request.pk]), follow=True)


def test_a_small_report_is_built_during_the_click(dpo_client, settings):
    settings.REPORT_BACKGROUND_ORDERS = 2
    make_complete_register()
    request = make_matched_request([make_customer()], kind=Request.Kind.ACCESS)
    generate(dpo_client, request)
    assert AccessReport.objects.filter(request=request).count() == 1
    request.refresh_from_db()
    assert request.report_queued_at is None


def test_a_large_report_is_generated_in_the_background_and_the_admin_says_so(dpo_client, dpo, large):
    response = generate(dpo_client, large)
    page = response.content.decode()
    assert "being generated in the background" in page
    assert 'id="report-being-generated"' in page
    assert "Generate report" not in page  # no second click while it is built
    assert not AccessReport.objects.filter(request=large).exists()
    large.refresh_from_db()
    assert large.report_queued_at and large.report_queued_by == dpo

    run_worker()

    (report,) = AccessReport.objects.filter(request=large)
    assert report.created_by == dpo and report.customer_count == 1
    large.refresh_from_db()
    assert large.report_queued_at is None
    page = dpo_client.get(reverse("admin:requests_request_change", args=[large.pk])).content.decode()
    assert 'id="report-being-generated"' not in page
    assert f'data-report="{report.pk}"' in page


def test_queuing_twice_builds_once_and_a_second_run_does_nothing(dpo, large):
    assert background.queue_report(large, by=dpo) is True
    assert background.queue_report(large, by=dpo) is False
    background.build_report.enqueue(large.pk)  # a duplicate task
    run_worker()
    assert AccessReport.objects.filter(request=large).count() == 1
    assert background.run_build(large.pk) == "not due"
    assert AccessReport.objects.filter(request=large).count() == 1


def test_a_worker_killed_while_building_loses_nothing_and_the_sweep_builds_once(dpo, large):
    background.queue_report(large, by=dpo)
    with (
        mock.patch("requests.background.build_access_report", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        background.run_build(large.pk)
    large.refresh_from_db()
    assert large.report_queued_at and large.report_claimed_until

    # While the claim runs, the queued task and the sweep leave it alone.
    run_worker()
    assert background.sweep_reports() == 0
    assert not AccessReport.objects.filter(request=large).exists()

    later = timezone.now() + timedelta(seconds=background.CLAIM_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("send_queued_messages", verbosity=0)  # the sweep cron and `make run` run
        run_worker()
    assert AccessReport.objects.filter(request=large).count() == 1
    large.refresh_from_db()
    assert large.report_queued_at is None


def test_a_worker_killed_after_building_is_not_built_again(dpo, large):
    background.queue_report(large, by=dpo)
    with (
        mock.patch("requests.background._unmark", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        background.run_build(large.pk)
    assert AccessReport.objects.filter(request=large).count() == 1

    later = timezone.now() + timedelta(seconds=background.CLAIM_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert background.sweep_reports() == 1
        run_worker()
    assert AccessReport.objects.filter(request=large).count() == 1
    large.refresh_from_db()
    assert large.report_queued_at is None


def test_a_request_closed_meanwhile_gets_no_report_and_is_unmarked(dpo, large):
    background.queue_report(large, by=dpo)
    Request.objects.filter(pk=large.pk).update(status=Request.Status.EXPIRED)
    assert background.run_build(large.pk) == "refused"
    assert not AccessReport.objects.filter(request=large).exists()
    large.refresh_from_db()
    assert large.report_queued_at is None


def test_the_reports_sweep_is_part_of_the_queue_sweep():
    assert background.sweep_reports in outbox.SWEEPERS
