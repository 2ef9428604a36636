"""Erasure reaches the customer's earlier access reports and portability exports (GDPR Art. 17).

Their rows are marked deleted in the erasure's transaction (links answer 410 from the commit on)
and their files are deleted after the commit; a file left behind by a crash in between is removed
by the access_report retention rule.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from register.retention import run_purge
from requests.erasure import FILE_DELETED, erase_customer
from requests.models import AccessReport, ErasureRecord, Request
from requests.reports import build_access_report, make_download_token
from tests.factories import (
    make_customer,
    make_matched_request,
    make_order,
    make_published_retention_register,
)

pytestmark = pytest.mark.django_db


def link(report: AccessReport) -> str:
    return f"/fi/requests/report/{make_download_token(report)}/"


def reports_of(customer, dpo) -> list[AccessReport]:
    reports = []
    for kind in (Request.Kind.ACCESS, Request.Kind.PORTABILITY):
        request = make_matched_request([customer], kind=kind)
        reports.append(build_access_report(request, by=dpo))
    return reports


def test_erasure_deletes_every_report_file_and_the_links_answer_410(
    client, dpo, django_capture_on_commit_callbacks
):
    customer = make_customer(language="fi")
    make_order(customer)
    reports = reports_of(customer, dpo)
    other = build_access_report(make_matched_request([make_customer()]), by=dpo)
    assert client.get(link(reports[0])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        record = erase_customer(customer, by=dpo, reason="test")

    for report in reports:
        report.refresh_from_db()
        assert report.deleted_at is not None
        assert not report.path.exists()
        assert client.get(link(report)).status_code == 410
        assert client.post(link(report)).status_code == 410
    other.refresh_from_db()
    assert other.deleted_at is None and other.path.is_file()
    (item,) = [item for item in record.items if item["action"] == FILE_DELETED]
    assert item == {
        "model": "requests.accessreport",
        "action": FILE_DELETED,
        "hold": "",
        "until": None,
        "fields": [],
        "pks": sorted(r.pk for r in reports),
    }


def test_files_are_deleted_only_after_the_erasure_commits(dpo, django_capture_on_commit_callbacks):
    customer = make_customer()
    (report, _export) = reports_of(customer, dpo)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        erase_customer(customer, by=dpo, reason="test")
        assert report.path.is_file()  # not yet: the transaction may still roll back
        raise RuntimeError("something later in the transaction fails")

    assert callbacks == []
    report.refresh_from_db()
    assert report.deleted_at is None and report.path.is_file()
    assert not ErasureRecord.objects.exists()


def test_link_of_a_report_marked_deleted_answers_410_even_if_its_file_exists(client, dpo_client, dpo):
    (report, _export) = reports_of(make_customer(), dpo)
    AccessReport.objects.filter(pk=report.pk).update(deleted_at=timezone.now())
    assert report.path.is_file()

    assert client.get(link(report)).status_code == 410
    assert client.post(link(report)).status_code == 410
    staff = dpo_client.get(reverse("admin:requests_accessreport_download", args=[report.pk]))
    assert staff.status_code == 302  # back to the request, with a message; no file


def test_retention_erasure_deletes_the_report_files_too(dpo, django_capture_on_commit_callbacks):
    make_published_retention_register()
    long_ago = timezone.now() - timedelta(days=5 * 365)
    customer = make_customer(last_activity_at=long_ago, created_at=long_ago)
    reports = reports_of(customer, dpo)
    Request.objects.update(status=Request.Status.COMPLETED, closed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        result = run_purge(only="customer_inactive").results.get()

    assert result.status == "done", result.error
    assert result.total == 1
    for report in reports:
        report.refresh_from_db()
        assert report.deleted_at is not None and not report.path.exists()


def test_access_report_rule_removes_a_file_left_behind_by_a_crash(dpo):
    make_published_retention_register()
    customer = make_customer()
    reports = reports_of(customer, dpo)
    live = build_access_report(make_matched_request([make_customer()]), by=dpo)
    # No on-commit callbacks run here: as if the process died right after the erasure committed.
    erase_customer(customer, by=dpo, reason="test")
    assert all(report.path.is_file() for report in reports)

    dry = run_purge(only="access_report", dry_run=True).results.get()
    result = run_purge(only="access_report").results.get()

    assert dry.total == result.total == 2
    assert not any(report.path.exists() for report in reports)
    assert live.path.is_file()
    assert run_purge(only="access_report").results.get().total == 0


def test_access_report_rule_removes_old_files_no_report_names(dpo, settings):
    """A report whose transaction was rolled back, or whose build was killed while writing, leaves a file
    no row names: the rule removes it once it is older than any build, and keeps every other file."""
    import os

    from requests.reports import REPORTS_FOLDER
    from requests.retention import AccessReportFiles

    make_published_retention_register()
    live = build_access_report(make_matched_request([make_customer()]), by=dpo)
    with transaction.atomic():
        rolled_back = build_access_report(make_matched_request([make_customer()]), by=dpo)
        transaction.set_rollback(True)
    assert not AccessReport.objects.filter(pk=rolled_back.pk).exists()
    partial = rolled_back.path.parent / ".building-killed.zip"
    partial.write_bytes(b"PK half an archive")
    recent = rolled_back.path.parent / "being-built-now.zip"
    recent.write_bytes(b"PK")
    elsewhere = settings.PRIVATE_STORAGE_ROOT / "exports" / "other.zip"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_bytes(b"PK")
    old = (timezone.now() - AccessReportFiles.STRAY_AFTER - timedelta(minutes=1)).timestamp()
    for path in (live.path, rolled_back.path, partial, elsewhere):
        os.utime(path, (old, old))
    assert rolled_back.path.is_relative_to(settings.PRIVATE_STORAGE_ROOT / REPORTS_FOLDER)

    dry = run_purge(only="access_report", dry_run=True).results.get()
    assert dry.total == 2 and rolled_back.path.is_file() and partial.is_file()
    result = run_purge(only="access_report").results.get()

    assert result.total == 2
    assert result.counts == {"requests.AccessReport (file no report names, deleted)": 2}
    assert not rolled_back.path.exists() and not partial.exists()
    assert live.path.is_file() and recent.is_file() and elsewhere.is_file()
    assert run_purge(only="access_report").results.get().total == 0


def test_a_file_that_cannot_be_deleted_is_counted_as_failed_and_the_others_still_go(
    dpo, settings, monkeypatch
):
    """One stray file the process may not delete leaves the run failed, with the other files deleted and
    counted, and the file there for the next run."""
    import os
    from pathlib import Path

    from register.models import PurgeRun
    from requests.retention import AccessReportFiles

    make_published_retention_register()
    folder = settings.PRIVATE_STORAGE_ROOT / "reports" / "2026" / "11"
    folder.mkdir(parents=True)
    stuck, free = folder / "stuck.zip", folder / "free.zip"
    old = (timezone.now() - AccessReportFiles.STRAY_AFTER - timedelta(minutes=1)).timestamp()
    for path in (stuck, free):
        path.write_bytes(b"PK")
        os.utime(path, (old, old))
    unlink = Path.unlink

    def refuse(path, missing_ok=False):
        if path.name == "stuck.zip":
            raise PermissionError("read-only")
        return unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    run = run_purge(only="access_report")

    result = run.results.get()
    assert result.status == "done" and run.status == PurgeRun.Status.FAILED
    assert (result.total, result.failed) == (1, 1)
    assert result.counts == {"requests.AccessReport (file no report names, deleted)": 1}
    assert stuck.is_file() and not free.exists()
