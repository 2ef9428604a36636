"""Delivery of reports: signed expiring links, the public download page, staff downloads, logging."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from requests.models import AccessReport, DownloadLog, Request, RequestEvent, RequestMessage
from requests.report_review import release_report
from requests.reports import DOWNLOAD_SALT, build_access_report, make_download_token, send_report_link
from tests.conftest import make_staff
from tests.factories import make_customer, make_matched_request, make_order

pytestmark = pytest.mark.django_db


def report_for(dpo, language="sv", released=False, **customer_fields):
    customer = make_customer(language=language, **customer_fields)
    make_order(customer)
    request = make_matched_request([customer], language=language)
    report = build_access_report(request, by=dpo)
    if released:
        release_report(report, by=dpo, reviewed_sha256=report.sha256)
    return report


def link_path(report: AccessReport, language: str = "sv") -> str:
    return f"/{language}/requests/report/{make_download_token(report)}/"


def test_link_is_emailed_in_the_customers_language_without_storing_it(dpo):
    report = report_for(dpo, language="fi", released=True)

    send_report_link(report, sent_by=dpo)

    (sent,) = mail.outbox
    assert sent.to == [report.request.email]
    token = re.search(r"https?://\S+/fi/requests/report/(\S+)/", sent.body).group(1)
    assert "Lataa se tästä:" in sent.body  # Finnish text
    stored = RequestMessage.objects.get(request=report.request, template="report_link")
    assert stored.language == "fi"
    assert token not in stored.body  # the link is a credential
    # The URL carries only the signed report id: no email, name or customer number.
    assert signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign(token) == str(report.pk)
    customer = report.request.customers.get()
    for value in (customer.email, customer.last_name, customer.customer_number):
        assert value not in token


def test_page_shows_a_button_and_post_streams_the_file_and_logs(client, dpo):
    report = report_for(dpo)
    path = link_path(report)

    page = client.get(path)
    assert page.status_code == 200
    assert b'<form method="post">' in page.content
    assert "no-store" in page["Cache-Control"]
    assert not DownloadLog.objects.exists()  # looking is not downloading (mail scanners)

    response = client.post(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == report.path.read_bytes()
    entry = DownloadLog.objects.get()
    assert entry.report == report and entry.by_customer and entry.user is None
    assert report.request.events.filter(kind=RequestEvent.Kind.REPORT_DOWNLOADED).exists()


def test_expired_link_gives_410_and_no_file(client, dpo):
    report = report_for(dpo)
    path = link_path(report)
    later = timezone.now() + timedelta(days=8)

    with mock.patch("django.utils.timezone.now", return_value=later):
        get = client.get(path)
        post = client.post(path)

    assert get.status_code == 410 and post.status_code == 410
    assert post["Content-Type"].startswith("text/html")
    assert not DownloadLog.objects.exists()


def test_signature_older_than_the_link_period_is_refused(client, dpo, settings):
    report = report_for(dpo)
    path = link_path(report)
    settings.REPORT_LINK_DAYS = 7

    with mock.patch("django.core.signing.time.time", return_value=__import__("time").time() + 8 * 86400):
        response = client.get(path)

    assert response.status_code == 410


def test_deleted_file_gives_410(client, dpo):
    report = report_for(dpo)
    report.delete_file()

    assert client.get(link_path(report)).status_code == 410
    assert client.post(link_path(report)).status_code == 410


def test_token_for_one_report_never_opens_another(client, dpo):
    first = report_for(dpo)
    second = report_for(dpo)
    token = make_download_token(first)
    forged = token.replace(f"{first.pk}:", f"{second.pk}:", 1)

    assert client.post(f"/sv/requests/report/{forged}/").status_code == 404
    response = client.post(f"/sv/requests/report/{token}/")
    assert b"".join(response.streaming_content) == first.path.read_bytes()
    assert list(DownloadLog.objects.values_list("report", flat=True)) == [first.pk]


def test_garbage_token_gives_404(client, db):
    assert client.get("/sv/requests/report/not-a-token/").status_code == 404


def test_expired_reports_are_found_and_their_files_deleted(dpo):
    live = report_for(dpo)
    old = report_for(dpo)
    AccessReport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    expired = list(AccessReport.objects.expired())
    for report in expired:
        report.delete_file()

    assert expired == [old]
    old.refresh_from_db()
    assert old.deleted_at is not None and not old.path.exists()
    assert live.path.exists() and list(AccessReport.objects.expired()) == []


# --- staff --------------------------------------------------------------------------------------


def test_dpo_generates_from_the_request_page(dpo_client):
    customer = make_customer()
    request = make_matched_request([customer], kind=Request.Kind.PORTABILITY)

    page = dpo_client.get(reverse("admin:requests_request_change", args=[request.pk]))
    assert b'id="report-panel"' in page.content
    assert reverse("admin:requests_accessreport_generate", args=[request.pk]).encode() in page.content
    response = dpo_client.post(reverse("admin:requests_accessreport_generate", args=[request.pk]))

    assert response.status_code == 302
    report = AccessReport.objects.get(request=request)
    assert report.kind == AccessReport.Kind.PORTABILITY and report.path.is_file()


def test_staff_download_is_logged(dpo_client, dpo):
    report = report_for(dpo)

    response = dpo_client.get(reverse("admin:requests_accessreport_download", args=[report.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == report.path.read_bytes()
    entry = DownloadLog.objects.get()
    assert entry.user == dpo and not entry.by_customer


def test_staff_email_link_stores_the_message(dpo_client, dpo):
    report = report_for(dpo, language="nb", released=True)

    response = dpo_client.post(reverse("admin:requests_accessreport_send", args=[report.pk]))

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert RequestMessage.objects.filter(request=report.request, sent_by=dpo, language="nb").exists()


@pytest.mark.parametrize("who", ["customer_service", "staff_without_roles"])
def test_staff_without_the_permission_cannot_generate_or_download(client, dpo, who, customer_service):
    user = customer_service if who == "customer_service" else make_staff("plain", None)
    assert not user.has_perm("requests.generate_report")
    report = report_for(dpo)
    client.force_login(user)

    generate = client.post(reverse("admin:requests_accessreport_generate", args=[report.request_id]))
    download = client.get(reverse("admin:requests_accessreport_download", args=[report.pk]))
    send = client.post(reverse("admin:requests_accessreport_send", args=[report.pk]))

    assert (generate.status_code, download.status_code, send.status_code) == (403, 403, 403)
    assert AccessReport.objects.count() == 1
    assert not DownloadLog.objects.exists() and not mail.outbox


def test_outsider_is_sent_to_the_login_page(client, dpo, outsider):
    report = report_for(dpo)
    client.force_login(outsider)

    response = client.get(reverse("admin:requests_accessreport_download", args=[report.pk]))

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not DownloadLog.objects.exists()


def test_report_list_shows_expiry_without_per_row_queries(dpo_client, dpo, django_assert_max_num_queries):
    for _ in range(3):
        report_for(dpo)
    # 12, and one for the shop's name in the header (staff.sites): a constant, not one per row.
    with django_assert_max_num_queries(13):
        response = dpo_client.get(reverse("admin:requests_accessreport_changelist"))
    assert response.status_code == 200
    assert response.content.count(b"Download (logged)") == 3


def test_customer_service_sees_no_report_buttons(service_client):
    request = make_matched_request([make_customer()])

    page = service_client.get(reverse("admin:requests_request_change", args=[request.pk]))

    assert page.status_code == 200
    assert b'id="report-panel"' not in page.content
