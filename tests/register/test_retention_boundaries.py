"""Each retention rule's boundary: one day inside the period stays, one day past goes."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from customers.models import ConsentEvent, Customer, Order
from customers.retention import hooks
from register.models import PurgeRuleResult
from register.registry import Personal, registry
from register.retention import run_purge
from requests.models import InternalNote, Request, RequestEvent, RequestMessage
from tests.factories import (
    make_consent,
    make_customer,
    make_order,
    make_published_retention_register,
    make_request,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
DAY = timedelta(days=1)


def fake_erase_customer(customer, *, request=None, by=None, reason: str):
    """Stands in for requests.erasure.erase_customer: marks the customer erased and drops the name."""
    Customer.objects.filter(pk=customer.pk).update(
        first_name="", last_name="", email="", erased_at=timezone.now()
    )


@pytest.fixture
def fake_erasure(monkeypatch):
    monkeypatch.setattr(hooks, "erase_customer", fake_erase_customer)


def run(rule: str, **kwargs):
    run = run_purge(only=rule, now=NOW, **kwargs)
    result = run.results.get()
    assert result.status == PurgeRuleResult.Status.DONE, result.error
    return result


def test_unverified_request_goes_one_day_after_seven_days():
    make_published_retention_register()
    inside = make_request(status=Request.Status.AWAITING_VERIFICATION, received_at=NOW - 7 * DAY + DAY)
    past = make_request(status=Request.Status.AWAITING_VERIFICATION, received_at=NOW - 7 * DAY - DAY)
    expired = make_request(status=Request.Status.EXPIRED, received_at=NOW - 30 * DAY)
    verified = make_request(status=Request.Status.VERIFIED, received_at=NOW - 30 * DAY)
    past.log(RequestEvent.Kind.VERIFICATION_SENT)

    result = run("unverified_request")

    assert set(Request.objects.values_list("pk", flat=True)) == {inside.pk, verified.pk}
    assert not RequestEvent.objects.filter(request_id__in=[past.pk, expired.pk]).exists()
    assert result.total == 2
    assert result.oldest == expired.received_at


def test_customer_inactive_anonymises_one_day_past_the_period(fake_erasure):
    make_published_retention_register()
    cutoff = NOW - relativedelta(years=3)
    inside = make_customer(last_activity_at=cutoff + DAY)
    past = make_customer(last_activity_at=cutoff - DAY)

    result = run("customer_inactive")

    inside.refresh_from_db()
    past.refresh_from_db()
    assert inside.erased_at is None and inside.first_name == "Anna"
    assert past.erased_at is not None and past.first_name == ""
    assert result.total == 1
    assert result.counts == {"customers.Customer": 1}


def test_customer_inactive_counts_from_end_of_relationship(fake_erasure):
    make_published_retention_register(customer_inactive=(3, "years", "end_of_relationship"))
    cutoff = NOW - relativedelta(years=3)
    ended_inside = make_customer(last_activity_at=cutoff - 10 * DAY, relationship_ended_at=cutoff + DAY)
    ended_past = make_customer(last_activity_at=cutoff - 10 * DAY, relationship_ended_at=cutoff - DAY)
    never_ended = make_customer(last_activity_at=cutoff - 10 * DAY)

    run("customer_inactive")

    erased = set(Customer.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    assert erased == {ended_past.pk}
    assert {ended_inside.pk, never_ended.pk}.isdisjoint(erased)


def test_customer_inactive_keeps_held_customers(fake_erasure):
    make_published_retention_register()
    long_ago = NOW - relativedelta(years=5)
    restricted = make_customer(last_activity_at=long_ago, restricted_at=long_ago)
    with_open_request = make_customer(last_activity_at=long_ago)
    make_request(status=Request.Status.IN_PROGRESS).customers.add(with_open_request)
    with_pending_order = make_customer(last_activity_at=long_ago)
    make_order(with_pending_order, placed_at=long_ago, status=Order.Status.PENDING)
    with_recent_order = make_customer(last_activity_at=long_ago)
    make_order(with_recent_order, placed_at=NOW - DAY)
    already_erased = make_customer(last_activity_at=long_ago, erased_at=long_ago)
    plain = make_customer(last_activity_at=long_ago)

    result = run("customer_inactive")

    assert result.total == 1
    assert Customer.objects.filter(erased_at__isnull=False).exclude(pk=already_erased.pk).get() == plain
    assert {restricted, with_open_request, with_pending_order, with_recent_order}.isdisjoint(
        Customer.objects.filter(erased_at__isnull=False)
    )


def test_completed_request_is_minimised_one_day_past_the_period(dpo):
    make_published_retention_register()
    cutoff = NOW - relativedelta(years=2)
    customer = make_customer()
    inside = make_request(status=Request.Status.COMPLETED, closed_at=cutoff + DAY, message="Mitt ärende")
    past = make_request(
        status=Request.Status.COMPLETED,
        closed_at=cutoff - DAY,
        completed_at=cutoff - DAY,
        message="Mitt ärende",
        customer_number="K0000001",
        verification_note="Pass visat",
    )
    past.customers.add(customer)
    past.add_note("Ringde kunden", author=dpo)
    RequestMessage.objects.create(
        request=past, recipient="kund@example.org", subject="Svar", body="Hej Kund", language="sv"
    )
    past.log(RequestEvent.Kind.MATCH_CONFIRMED, detail=str(customer.pk))
    past.log(RequestEvent.Kind.COMPLETED)

    result = run("completed_request")

    past.refresh_from_db()
    inside.refresh_from_db()
    assert inside.email == "kund@example.org" and inside.message == "Mitt ärende"
    assert (past.email, past.name, past.message, past.customer_number, past.verification_note) == ("",) * 5
    assert past.status == Request.Status.COMPLETED and past.completed_at == cutoff - DAY
    assert not past.customers.exists()
    assert not InternalNote.objects.filter(request=past).exists()
    message = RequestMessage.objects.get(request=past)
    assert (message.recipient, message.body, message.subject) == ("", "", "Svar")
    assert set(past.events.values_list("kind", "detail")) == {("match_confirmed", ""), ("completed", "")}
    assert not Request.history.filter(id=past.pk).exists()
    assert Request.history.filter(id=inside.pk).exists()
    assert result.total == 1

    # Minimised requests are not selected again.
    assert run("completed_request").total == 0


def test_history_rows_go_one_day_past_the_period():
    make_published_retention_register()
    customer = make_customer()
    customer.city = "Åbo"
    customer.save()
    inside, past = customer.history.order_by("history_id")
    cutoff = NOW - timedelta(days=365)
    Customer.history.filter(pk=inside.pk).update(history_date=cutoff + DAY)
    Customer.history.filter(pk=past.pk).update(history_date=cutoff - DAY)

    result = run("history_rows")

    assert list(customer.history.values_list("history_id", flat=True)) == [inside.pk]
    assert result.counts == {"customers.HistoricalCustomer": 1}


def test_erased_consents_go_one_day_past_the_period_except_the_proof():
    make_published_retention_register()
    cutoff = NOW - timedelta(days=30)
    inside = make_customer(erased_at=cutoff + DAY)
    past = make_customer(erased_at=cutoff - DAY)
    not_erased = make_customer()
    for customer in (inside, past, not_erased):
        make_consent(customer, occurred_at=NOW - timedelta(days=400))
    proof = make_consent(past, action="withdrawn", via=ConsentEvent.Via.REQUEST, occurred_at=cutoff - DAY)

    result = run("erased_consents")

    assert set(ConsentEvent.objects.filter(customer=past)) == {proof}
    assert ConsentEvent.objects.filter(customer=inside).count() == 1
    assert ConsentEvent.objects.filter(customer=not_erased).count() == 1
    assert result.total == 1


def test_access_report_files_are_deleted_once_expired(settings):
    from requests.models import AccessReport

    make_published_retention_register()
    request = make_request(status=Request.Status.COMPLETED)
    folder = settings.PRIVATE_STORAGE_ROOT
    folder.mkdir(parents=True, exist_ok=True)
    reports = {}
    for name, expires in (("inside", NOW + DAY), ("past", NOW - DAY)):
        (folder / f"{name}.zip").write_bytes(b"PK")
        reports[name] = AccessReport.objects.create(
            request=request, kind="access", file_path=f"{name}.zip", expires_at=expires, sha256="0" * 64
        )

    result = run("access_report")

    for report in reports.values():
        report.refresh_from_db()
    assert reports["inside"].deleted_at is None and (folder / "inside.zip").exists()
    assert reports["past"].deleted_at is not None and not (folder / "past.zip").exists()
    assert result.total == 1
    assert run("access_report").total == 0


def test_completed_request_clears_the_fields_its_privacy_declaration_erases(monkeypatch):
    make_published_retention_register()
    past = make_request(
        status=Request.Status.REJECTED,
        closed_at=NOW - relativedelta(years=3),
        rejection_reason=Request.RejectionReason.OTHER,
        rejection_justification="Not a request about personal data.",
        extension_reason="Waiting for the shop's records.",
        message="Mitt ärende",
    )
    declaration = registry.declaration(Request)
    monkeypatch.setitem(declaration.personal, "extension_reason", Personal())

    run("completed_request")

    past.refresh_from_db()
    assert past.message == "" and past.extension_reason == ""
    # Declared personal but kept: the controller's own reasoning stays (GDPR Art. 12(5)).
    assert past.rejection_justification == "Not a request about personal data."
