"""purge_expired from the command line: output, quiet mode, failing rules, the lock and the admin report."""

import fcntl
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from register.models import PurgeRuleResult, PurgeRun
from register.retention import sqlite_lock_path
from requests.models import Request
from requests.retention import UnverifiedRequest
from tests.factories import RETENTION_PERIODS, make_published_retention_register, make_request

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def unverified():
    make_published_retention_register()
    old = timezone.now() - timezone.timedelta(days=10)
    return [make_request(status=Request.Status.AWAITING_VERIFICATION, received_at=old) for _ in range(3)]


def test_dry_run_prints_counts_and_oldest_date_per_rule(unverified):
    out = io.StringIO()

    call_command("purge_expired", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "Dry run: nothing was changed." in text
    assert f"unverified_request: 3 would be processed, oldest {unverified[0].received_at:%Y-%m-%d}" in text
    assert "order_bookkeeping: 0 would be processed" in text
    assert Request.objects.count() == 3
    assert "\r" not in text  # no progress line when not in a terminal


def test_real_run_with_one_rule_and_per_table_counts(unverified):
    out = io.StringIO()

    call_command("purge_expired", "--rule", "unverified_request", "--batch-size", "2", "-v", "2", stdout=out)

    assert not Request.objects.exists()
    assert "unverified_request: 3 processed" in out.getvalue()
    assert "requests.Request: 3" in out.getvalue()
    run = PurgeRun.objects.get()
    assert not run.dry_run and run.status == PurgeRun.Status.SUCCEEDED and run.batch_size == 2
    assert list(run.results.values_list("rule", flat=True)) == ["unverified_request"]


def test_progress_is_shown_in_a_terminal_and_silent_with_verbosity_zero(unverified):
    terminal = Terminal()
    call_command("purge_expired", "--dry-run", "--batch-size", "1", stdout=terminal)
    assert "\runverified_request: 3 rows" in terminal.getvalue()

    quiet = Terminal()
    call_command("purge_expired", "-v", "0", stdout=quiet)
    assert quiet.getvalue() == ""
    assert not Request.objects.exists()


def test_a_failing_rule_is_reported_the_others_run_and_the_exit_status_is_non_zero(unverified, monkeypatch):
    def broken(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(UnverifiedRequest, "steps", broken)
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 rule") as failure:
        call_command("purge_expired", stdout=out)

    assert failure.value.returncode == 1
    run = PurgeRun.objects.get()
    assert run.status == PurgeRun.Status.FAILED and run.finished_at is not None
    failed = run.results.get(rule="unverified_request")
    assert failed.status == PurgeRuleResult.Status.FAILED and "disk on fire" in failed.error
    assert run.results.filter(status=PurgeRuleResult.Status.DONE).count() == len(RETENTION_PERIODS) - 1
    assert "FAILED: RuntimeError: disk on fire" in out.getvalue()


def test_a_failing_row_is_printed_with_its_id_and_the_exit_status_is_non_zero(unverified, monkeypatch):
    from register.retention import Purger

    victim = unverified[1]
    real_delete = Purger.delete

    def failing_delete(self, model, pks):
        pks = list(pks)
        if model is Request and victim.pk in pks:
            raise RuntimeError("row refused")
        return real_delete(self, model, pks)

    monkeypatch.setattr(Purger, "delete", failing_delete)
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 row"):
        call_command("purge_expired", "--rule", "unverified_request", stdout=out)

    assert "unverified_request: 2 processed" in out.getvalue()
    assert f"1 failed and left as they were (ids {victim.pk})" in out.getvalue()
    assert list(Request.objects.all()) == [victim]


def test_nothing_published_is_refused(db):
    with pytest.raises(CommandError, match="publish the register description first"):
        call_command("purge_expired", "--dry-run")


def test_a_second_run_is_refused_while_one_holds_the_lock(unverified):
    if connection.vendor == "postgresql":
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [0x4B52_7075_7267])
            assert cursor.fetchone()[0]
        holder = other
    else:
        holder = open(sqlite_lock_path(), "a+")  # noqa: SIM115
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        with pytest.raises(CommandError, match="Refused: another purge_expired run") as refusal:
            call_command("purge_expired", stdout=io.StringIO())
        assert refusal.value.returncode == 2
        assert Request.objects.count() == 3
        assert not PurgeRun.objects.exists()
    finally:
        holder.close()

    call_command("purge_expired", stdout=io.StringIO())
    assert not Request.objects.exists()


def test_reports_are_readable_by_the_dpo_and_read_only(dpo_client, unverified):
    call_command("purge_expired", stdout=io.StringIO())
    run = PurgeRun.objects.get()

    listing = dpo_client.get(reverse("admin:register_purgerun_changelist"))
    page = dpo_client.get(reverse("admin:register_purgerun_change", args=[run.pk]))

    assert listing.status_code == 200 and page.status_code == 200
    assert "requests.Request: 3" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert dpo_client.get(reverse("admin:register_purgerun_add")).status_code == 403
    assert dpo_client.post(reverse("admin:register_purgerun_change", args=[run.pk]), {}).status_code == 403
    assert dpo_client.get(reverse("admin:register_purgerun_delete", args=[run.pk])).status_code == 403
    run.refresh_from_db()
    assert run.status == PurgeRun.Status.SUCCEEDED


def test_reports_are_hidden_from_customer_service_and_outsiders(service_client, client, outsider, unverified):
    call_command("purge_expired", stdout=io.StringIO())
    url = reverse("admin:register_purgerun_changelist")

    assert service_client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 302


def test_admin_list_does_not_grow_queries_with_runs(dpo_client, unverified, django_assert_max_num_queries):
    for _ in range(5):
        call_command("purge_expired", "--dry-run", stdout=io.StringIO())
    # 12, one for the shop's name in the header (staff.sites) and, on PostgreSQL, one for the table's row
    # estimate (register.admin_counts): a constant, not one per run.
    with django_assert_max_num_queries(13 + (connection.vendor == "postgresql")):
        assert dpo_client.get(reverse("admin:register_purgerun_changelist")).status_code == 200
