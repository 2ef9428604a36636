"""Purge runs, erasures and report releases each log one line with ids, never personal data."""

import logging

import pytest
from django.utils import timezone

from register.retention import run_purge
from requests.erasure import erase_customer
from requests.models import Request
from tests.factories import make_customer, make_published_retention_register, make_request

pytestmark = pytest.mark.django_db


def lines(caplog, logger: str) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == logger]


def test_a_purge_run_logs_one_line_with_its_id_status_and_counts(caplog):
    make_published_retention_register()
    old = timezone.now() - timezone.timedelta(days=10)
    make_request(status=Request.Status.AWAITING_VERIFICATION, received_at=old, email="kund@example.org")
    with caplog.at_level(logging.INFO, logger="register.retention"):
        run = run_purge()
    logged = lines(caplog, "register.retention")
    assert len(logged) == 1
    assert logged[0].startswith(f"Purge run {run.pk} succeeded: ")
    assert "unverified_request=1" in logged[0]
    assert "kund@example.org" not in caplog.text


def test_an_erasure_logs_ids_and_no_personal_data(caplog, dpo):
    customer = make_customer(first_name="Åsa", email="asa@example.org")
    with caplog.at_level(logging.INFO, logger="requests.erasure"):
        record = erase_customer(customer, by=dpo, reason="test")
    assert lines(caplog, "requests.erasure") == [
        f"Customer {customer.pk} erased: erasure record {record.pk}, request -, by user {dpo.pk}"
    ]
    assert "asa@example.org" not in caplog.text and "Åsa" not in caplog.text


def test_a_report_release_logs_ids_and_no_personal_data(caplog, dpo):
    from requests.report_review import release_report
    from requests.reports import build_access_report
    from tests.factories import make_matched_request

    customer = make_customer(first_name="Åsa", email="asa@example.org")
    report = build_access_report(make_matched_request([customer]), by=dpo)
    with caplog.at_level(logging.INFO, logger="requests.reports"):
        release_report(report, by=dpo, reviewed_sha256=report.sha256)
    assert lines(caplog, "requests.reports") == [
        f"Report {report.pk} of request {report.request_id} released by user {dpo.pk}"
    ]
    assert "asa@example.org" not in caplog.text and "Åsa" not in caplog.text
