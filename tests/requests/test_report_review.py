"""Review before release: staff see what a report holds, withhold a text only with a reason, then release.

Notes about a person are their personal data (GDPR Art. 15; CJEU C-434/16 Nowak): the report includes
them, and the admin says so. A text may be withheld where it would adversely affect others (Art. 15(4));
the customer's copy then lists it as withheld, with the reason. Only a released report's link is emailed.
"""

import csv
import io
import json
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from requests.models import RequestEvent, WithheldItem
from requests.report_review import release_report, withhold_item
from requests.reports import ReportError, build_access_report
from tests.factories import make_customer, make_matched_request, make_order

pytestmark = pytest.mark.django_db

NOTE = "Kunden ringde; hennes granne Berit Lindqvist sade att paketet stals från trappan."
REASON = "Names a neighbour and what she said (the rights of others)."


@pytest.fixture
def report(dpo):
    customer = make_customer(language="sv")
    make_order(customer)
    make_order(customer)
    request = make_matched_request([customer])
    request.add_note(NOTE, author=dpo)
    return build_access_report(request, by=dpo)


def review_url(report) -> str:
    return reverse("admin:requests_accessreport_review", args=[report.pk])


def read(report, name: str) -> str:
    report.refresh_from_db()
    with zipfile.ZipFile(report.path) as archive:
        return archive.read(name).decode("utf-8-sig")


def test_internal_notes_label_says_they_are_part_of_the_access_report(dpo_client):
    request = make_matched_request([make_customer()])

    page = dpo_client.get(reverse("admin:requests_request_change", args=[request.pk])).content.decode()

    assert "part of the customer&#x27;s access report" in page
    assert "C-434/16 Nowak" in page
    assert "never sent to the customer" not in page


def test_review_shows_each_table_with_its_row_count_and_every_staff_text_in_full(dpo_client, report):
    response = dpo_client.get(review_url(report))

    assert response.status_code == 200
    review = response.context["review"]
    counts = {table: rows for customer in review.tables for _title, table, rows in customer}
    assert counts["order"] == 2 and counts["customer"] == 1 and counts["internal_note"] == 1
    page = response.content.decode()
    assert NOTE in page
    texts = {(t.table, t.field) for t in response.context["review"].staff_texts}
    assert ("internal_note", "text") in texts


def test_withheld_note_is_listed_with_its_reason_and_left_out_of_the_data(dpo_client, dpo, report):
    note = report.request.notes.get()
    old_file = report.path

    response = dpo_client.post(
        review_url(report),
        {"table": "internal_note", "row_id": note.pk, "field": "text", "reason": REASON, "withhold": ""},
    )

    assert response.status_code == 302
    item = WithheldItem.objects.get()
    assert (item.report, item.table, item.row_id, item.field, item.withheld_by) == (
        report,
        "internal_note",
        note.pk,
        "text",
        dpo,
    )
    index = read(report, "index.html")
    assert NOTE not in index
    with translation.override("sv"):  # the customer's language
        label = gettext("Withheld (GDPR Art. 15(4)): %(reason)s") % {"reason": REASON}
        heading = gettext("Withheld from this copy")
    assert escape(label) in index and heading in index
    data = json.loads(read(report, "data.json"))
    assert data["withheld"] == [{"table": "internal_note", "id": note.pk, "field": "text", "reason": REASON}]
    (row,) = data["customers"][0]["requests"]["internal_note"]
    assert "text" not in row and row["id"] == note.pk
    rows = list(csv.DictReader(io.StringIO(read(report, "internal_note.csv"))))
    assert rows[0]["text"] == ""
    assert NOTE not in read(report, "request_event.csv")
    assert report.path != old_file  # rebuilt; the old file goes after commit
    assert report.request.events.filter(kind=RequestEvent.Kind.ITEM_WITHHELD, actor=dpo).exists()
    # The review page now lists the item as withheld and no longer offers its text.
    page = dpo_client.get(review_url(report)).content.decode()
    assert REASON in page and NOTE not in page


def test_withholding_needs_a_reason(dpo_client, report):
    note = report.request.notes.get()

    dpo_client.post(
        review_url(report), {"table": "internal_note", "row_id": note.pk, "field": "text", "reason": " "}
    )

    assert not WithheldItem.objects.exists()
    with pytest.raises(ReportError):
        withhold_item(report, table="internal_note", row_id=note.pk, field="text", reason="", by=None)


def test_only_a_staff_text_the_report_holds_can_be_withheld(dpo, report):
    customer = report.request.customers.get()
    with pytest.raises(ReportError):
        withhold_item(report, table="customer", row_id=customer.pk, field="first_name", reason="x", by=dpo)
    with pytest.raises(ReportError):
        withhold_item(report, table="internal_note", row_id=999999, field="text", reason="x", by=dpo)
    assert not WithheldItem.objects.exists()


def test_link_is_emailed_only_after_release(dpo_client, dpo, report):
    send = reverse("admin:requests_accessreport_send", args=[report.pk])

    refused = dpo_client.post(send, follow=True)

    assert mail.outbox == []
    assert "Review and release the report before emailing its link." in refused.content.decode()

    response = dpo_client.post(review_url(report), {"sha256": report.sha256, "release": ""})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.released_at is not None and report.released_by == dpo
    assert report.request.events.filter(kind=RequestEvent.Kind.REPORT_RELEASED, actor=dpo).exists()
    dpo_client.post(send)
    assert len(mail.outbox) == 1


def test_release_is_refused_when_the_file_changed_since_it_was_reviewed(dpo, report):
    seen = report.sha256
    note = report.request.notes.get()
    withhold_item(report, table="internal_note", row_id=note.pk, field="text", reason=REASON, by=dpo)

    with pytest.raises(ReportError, match="changed since you reviewed it"):
        release_report(report, by=dpo, reviewed_sha256=seen)

    report.refresh_from_db()
    assert report.released_at is None


def test_a_released_report_can_no_longer_be_changed(dpo, report):
    release_report(report, by=dpo, reviewed_sha256=report.sha256)
    note = report.request.notes.get()

    with pytest.raises(ReportError):
        withhold_item(report, table="internal_note", row_id=note.pk, field="text", reason=REASON, by=dpo)
    with pytest.raises(ReportError):
        release_report(report, by=dpo, reviewed_sha256=report.sha256)


def test_customer_service_cannot_review_or_release(service_client, report):
    assert service_client.get(review_url(report)).status_code == 403
    release = service_client.post(review_url(report), {"sha256": report.sha256, "release": ""})
    assert release.status_code == 403
    report.refresh_from_db()
    assert report.released_at is None
