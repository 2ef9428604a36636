"""The access report (GDPR Art. 15) and its ZIP: index.html, data.json, one CSV per table."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.utils import translation

from register.models import NoticeVersion
from register.registry import registry
from register.translation import localise
from requests.models import AccessReport, Request, RequestEvent
from requests.reports import ReportError, build_access_report
from tests.factories import (
    make_consent,
    make_customer,
    make_invoice,
    make_matched_request,
    make_order,
    make_order_line,
    make_payment,
    make_return,
)

pytestmark = pytest.mark.django_db

EXAMPLES = ["xhome", "xmi", "jalonom"]
LANGUAGES = ["sv", "fi", "nb", "en"]
# Art. 15(1)(e): the report names each right in the customer's language.
RIGHT_TEXTS = {
    "rectification": (
        "Rectification: you may ask us to correct inaccurate data and to complete incomplete data "
        "(GDPR Art. 16)."
    ),
    "erasure": (
        "Erasure: you may ask us to erase your data, except what the law obliges us to keep (GDPR Art. 17)."
    ),
    "restriction": (
        "Restriction: you may ask us only to store your data and not otherwise use it (GDPR Art. 18)."
    ),
    "objection": (
        "Objection: you may object to processing based on our legitimate interest, and at any time to "
        "direct marketing (GDPR Art. 21)."
    ),
}


def read_zip(report: AccessReport) -> zipfile.ZipFile:
    return zipfile.ZipFile(report.path)


def full_customer(**fields):
    customer = make_customer(
        company="Kund Ab", identity_number="010203-123A", bank_account="FI21 1234 5600 0007 85", **fields
    )
    order = make_order(customer)
    make_order_line(order)
    invoice = make_invoice(order)
    make_payment(invoice)
    make_return(order)
    make_consent(customer)
    return customer


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_index_answers_every_article_15_item_from_the_notice_in_force(example, language, dpo):
    call_command("load_example_register", example, verbosity=0)
    notice = localise(NoticeVersion.objects.current().snapshot, language)
    customer = full_customer(language=language)
    request = make_matched_request([customer], language=language)

    report = build_access_report(request, by=dpo)
    html = read_zip(report).read("index.html").decode()

    assert f'<html lang="{language}">' in html
    for section in ["art15-1-a", "art15-1-b", "art15-1-c", "art15-1-d", "art15-1-e", "art15-1-f"]:
        assert f'id="{section}"' in html
    for section in ["art15-1-g", "art15-1-h", "art15-2", "confirmation", "data"]:
        assert f'id="{section}"' in html

    def section(name: str) -> str:
        start = html.index(f'<section id="{name}">')
        return html[start : html.index("</section>", start)]

    def has(text: str, where: str) -> bool:
        # Texts pass through Django's escaping and linebreaks; compare the first line.
        first = text.strip().splitlines()[0][:60]
        from django.utils.html import escape

        return escape(first) in section(where)

    # (a) purposes, (b) categories, (c) recipients, (d) retention, (g) sources, (h) automation
    assert notice["purposes"] and all(has(p["text"], "art15-1-a") for p in notice["purposes"])
    assert all(has(c["name"], "art15-1-b") for c in notice["categories"])
    assert all(has(r["name"], "art15-1-c") for r in notice["recipients"])
    # The register's own rules come first; what the law keeps longer follows in lists of its own.
    assert len(notice["retention"]) == section("art15-1-d").split("</ul>")[0].count("<li>")
    assert all(has(s["text"], "art15-1-g") for s in notice["sources"])
    assert has(notice["automated_decisions"], "art15-1-h")
    assert has(notice["transfers"], "art15-2")
    # (e) each right by name, in the customer's language
    with translation.override(language):
        from django.utils.html import escape
        from django.utils.translation import gettext

        rights = section("art15-1-e")
        for right in ["rectification", "erasure", "restriction", "objection"]:
            assert escape(gettext(RIGHT_TEXTS[right])) in rights
    # (f) the supervisory authority of the shop's country, in the customer's language
    assert escape(notice["authority"]["name"]) in section("art15-1-f")
    assert notice["authority"]["website"] in section("art15-1-f")
    # Then the data itself.
    assert customer.email in section("data")
    assert customer.customer_number in section("data")


def test_data_json_contains_every_field_the_registry_declares(dpo):
    customer = full_customer()
    request = make_matched_request([customer])

    report = build_access_report(request, by=dpo)
    data = json.loads(read_zip(report).read("data.json"))

    assert data["request"] == request.number
    (exported,) = data["customers"]
    seen = 0
    for declaration in registry.with_personal_data():
        rows = exported[declaration.category][declaration.table]
        if not declaration.rows_for(customer).exists():
            continue
        seen += 1
        for row in rows:
            assert set(row) == {"id", *registry.declared_fields(declaration.model)}
    assert seen >= 7  # customer, order, order line, invoice, payment, return, consent...
    profile = exported["profile"]["customer"][0]
    assert profile["email"] == customer.email
    assert profile["identity_number"] == "010203-123A"  # unmasked: it is the customer's own data
    # ISO dates
    assert profile["created_at"].startswith(str(customer.created_at.year))
    assert "T" in profile["created_at"]


@pytest.mark.parametrize("kind", [Request.Kind.ACCESS, Request.Kind.PORTABILITY])
def test_streamed_data_json_equals_the_registry_export(dpo, kind):
    first, second = full_customer(), full_customer()
    make_order(second)
    request = make_matched_request([first, second], kind=kind)

    report = build_access_report(request, by=dpo)
    data = json.loads(read_zip(report).read("data.json"))

    # The report and its "generated" event exist only once the archive is written.
    def settled(export):
        tables = export.get("requests", {})
        return {**export, "requests": {t: rows for t, rows in tables.items() if t not in _REPORT_TABLES}}

    provided_only = kind == Request.Kind.PORTABILITY
    expected = [registry.export_customer(c, provided_only=provided_only) for c in (first, second)]
    assert [settled(export) for export in data["customers"]] == [settled(export) for export in expected]
    assert data["customers"][1]["orders"]["order"] == expected[1]["orders"]["order"]
    assert len(data["customers"][1]["orders"]["order"]) == 2


_REPORT_TABLES = {"access_report", "request_event"}


def test_one_csv_per_table_with_header_and_rows(dpo):
    customer = full_customer()
    request = make_matched_request([customer])

    archive = read_zip(build_access_report(request, by=dpo))

    names = set(archive.namelist())
    assert {"index.html", "data.json", "customer.csv", "order.csv", "consent_event.csv"} <= names
    text = archive.read("order.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "id"
    assert len(rows) == 2
    assert customer.orders.get().number in rows[1]


def test_awkward_texts_and_empty_values_are_written_as_each_format_writes_them(dpo):
    import html

    from django.db import connection

    # Markup, quotes, a per cent sign (the rows are written through templates), a backslash, a line
    # break, Nordic letters; NUL where the database keeps it (SQLite; never PostgreSQL's text).
    awkward = 'A & B <b>"O\'Brien"</b>, 100% \\ rad\nÅsa\r Ødegård'
    if connection.vendor == "sqlite":
        awkward += "\x00end"
    customer = full_customer()
    order = make_order(customer, delivery_name=awkward, delivered_at=None, carrier="")
    archive = read_zip(build_access_report(make_matched_request([customer]), by=dpo))

    data = archive.read("data.json").decode()
    (row,) = [row for row in json.loads(data)["customers"][0]["orders"]["order"] if row["id"] == order.pk]
    assert row["delivery_name"] == awkward and row["delivered_at"] is None and row["carrier"] == ""
    # Each row on one line, as ``json`` writes a mapping without ``ensure_ascii``.
    assert "\n          " + json.dumps(row, ensure_ascii=False) + "\n" in data
    csv_text = archive.read("order.csv").decode("utf-8-sig")
    (csv_row,) = [row for row in csv.DictReader(io.StringIO(csv_text)) if row["id"] == str(order.pk)]
    # Quoted only where needed, lines ended as the CSV writer ends them.
    line = io.StringIO(newline="")
    csv.writer(line).writerow(csv_row.values())
    assert line.getvalue() in csv_text
    assert csv_row["delivery_name"] == awkward and csv_row["delivered_at"] == ""
    assert csv_row["total"] == str(order.total) and csv_row["placed_at"] == order.placed_at.isoformat()
    page = archive.read("index.html").decode()
    assert f">{html.escape(awkward)}</td>" in page
    assert awkward not in page


def test_unknown_person_gets_a_report_that_no_data_is_held(dpo):
    call_command("load_example_register", "xhome", verbosity=0)
    request = make_matched_request([], email="nobody@example.org", language="fi")

    report = build_access_report(request, by=dpo)

    assert report.customer_count == 0
    archive = read_zip(report)
    assert json.loads(archive.read("data.json"))["customers"] == []
    html = archive.read("index.html").decode()
    with translation.override("fi"):
        from django.utils.translation import gettext

        assert gettext("No data is held.") in html
    assert 'id="art15-1-a"' in html


def test_portability_holds_only_what_the_customer_provided(dpo):
    customer = full_customer()
    request = make_matched_request([customer], kind=Request.Kind.PORTABILITY)

    report = build_access_report(request, by=dpo)

    assert report.kind == AccessReport.Kind.PORTABILITY
    archive = read_zip(report)
    data = json.loads(archive.read("data.json"))["customers"][0]
    profile = data["profile"]["customer"][0]
    assert set(profile) == {"id", *registry.declared_fields(type(customer), provided_only=True)}
    assert "email_digest" not in profile and "email" in profile
    assert data["orders"]["order"] and data["consents"]["consent_event"]
    assert "customer.csv" in archive.namelist()


def test_report_is_stored_privately_with_checksum_and_event(dpo, settings):
    customer = full_customer()
    request = make_matched_request([customer])

    report = build_access_report(request, by=dpo)

    assert report.path.is_file()
    assert report.path.is_relative_to(settings.PRIVATE_STORAGE_ROOT)
    assert customer.email not in report.file_path and customer.last_name not in report.file_path
    assert report.size == report.path.stat().st_size
    import hashlib

    assert report.sha256 == hashlib.sha256(report.path.read_bytes()).hexdigest()
    assert request.events.filter(kind=RequestEvent.Kind.REPORT_GENERATED, actor=dpo).exists()
    assert (report.expires_at - report.created_at).days == settings.REPORT_LINK_DAYS


def test_failure_while_writing_leaves_no_file_and_no_row(dpo, settings, monkeypatch):
    customer = full_customer()
    request = make_matched_request([customer])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("requests.reports._copy_into", broken)
    with pytest.raises(RuntimeError):
        build_access_report(request, by=dpo)

    assert not AccessReport.objects.exists()
    files = [p for p in settings.PRIVATE_STORAGE_ROOT.rglob("*") if p.is_file()]
    assert files == []


@pytest.mark.parametrize(
    "change",
    [
        {"kind": Request.Kind.ERASURE},
        {"status": Request.Status.AWAITING_VERIFICATION},
        {"match_confirmed_at": None},
    ],
)
def test_no_report_for_wrong_kind_unverified_or_unchecked_match(change, dpo):
    customer = make_customer()
    request = make_matched_request([customer])
    Request.objects.filter(pk=request.pk).update(**change)
    request.refresh_from_db()

    with pytest.raises(ReportError):
        build_access_report(request, by=dpo)
    assert not AccessReport.objects.exists()


def test_queries_do_not_grow_with_the_number_of_orders(dpo, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.models import Order

    few = full_customer()
    with CaptureQueriesContext(connection) as baseline:
        build_access_report(make_matched_request([few]), by=dpo)

    many = full_customer()
    Order.objects.bulk_create(
        Order(customer=many, number=f"BULK{n:06d}", total="10.00", delivery_name="Anna")
        for n in range(10_000)
    )
    request = make_matched_request([many])
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        report = build_access_report(request, by=dpo)

    archive = read_zip(report)
    assert len(json.loads(archive.read("data.json"))["customers"][0]["orders"]["order"]) == 10_001
    assert archive.read("order.csv").decode("utf-8-sig").count("\n") == 10_002
    assert archive.read("index.html").decode().count("BULK") == 10_000
