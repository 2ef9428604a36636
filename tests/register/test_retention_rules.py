"""Retention rules: several categories per rule, a period of zero from an event that ends something,
executable rules that count only from the event their code honours."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from customers.models import Customer
from customers.retention import hooks
from register.models import PurgeRuleResult, RetentionRule, publish
from register.record import build_record
from register.retention import run_purge
from requests.models import Request
from tests.factories import (
    make_category,
    make_complete_register,
    make_customer,
    make_published_retention_register,
    make_request,
    make_retention_rule,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def fake_erasure(monkeypatch):
    def erase(customer, *, request=None, by=None, reason: str):
        Customer.objects.filter(pk=customer.pk).update(first_name="", erased_at=timezone.now())

    monkeypatch.setattr(hooks, "erase_customer", erase)


def run(rule: str):
    result = run_purge(only=rule, now=NOW).results.get()
    assert result.status == PurgeRuleResult.Status.DONE, result.error
    return result


# --- One rule, several categories --------------------------------------------------------------------


def eleven_categories(register):
    names = ["Namn", "Adress", "Telefon", "E-post", "Kundnummer", "Företag", "Webbplats", "Språk"]
    names += ["Kundtjänstärenden", "Nyhetsbrev", "Önskelista"]
    return [make_category(register, name) for name in names]


def test_one_rule_covers_eleven_categories_and_the_register_publishes():
    register = make_complete_register()
    categories = eleven_categories(register)
    make_retention_rule(register, categories, period_amount=0, counts_from="end_of_relationship")
    assert register.missing_for_publication() == []
    version = publish(register)
    (rule,) = [r for r in version.snapshot["retention"] if len(r["categories"]) == 11]
    assert rule["categories"][0]["sv"] == "Namn [sv]"
    assert rule["sentence"]["en"] == (
        "The data is kept as long as the customer relationship lasts. Then it is deleted."
    )
    html = version.content["en"]
    assert html.count("The data is kept as long as the customer relationship lasts.") == 1
    assert "Namn [en], Adress [en], Telefon [en]" in html


def test_a_category_no_rule_covers_stops_publishing_and_is_named():
    register = make_complete_register()
    covered, uncovered = make_category(register, "Namn"), make_category(register, "Önskelista")
    make_retention_rule(register, [covered])
    missing = register.missing_for_publication()
    assert [m for m in missing if "no retention rule" in m] == [
        "Data category “Önskelista [en]” has no retention rule (GDPR Art. 13(2)(a))."
    ]
    make_retention_rule(register, [uncovered], period_amount=1, period_unit="years", counts_from="creation")
    assert register.missing_for_publication() == []


def test_the_record_of_processing_names_each_rules_categories():
    register = make_complete_register()
    purpose = register.purposes.get()
    first, second = make_category(register, "Namn"), make_category(register, "Adress")
    for category in (first, second):
        category.purposes.set([purpose])
    make_retention_rule(register, [first, second], period_amount=0, counts_from="end_of_relationship")
    (activity,) = build_record(register).activities
    assert (
        "Namn [en], Adress [en]: The data is kept as long as the customer relationship lasts. "
        "Then it is deleted." in activity.retention
    )
    assert any(
        line.startswith("Kontaktuppgifter [en]: The data is kept for 3 years") for line in activity.retention
    )


# --- A period of zero ----------------------------------------------------------------------------------


def test_zero_is_refused_from_an_event_that_ends_nothing():
    register = make_complete_register()
    rule = RetentionRule(register=register, period_amount=0, period_unit="years", counts_from="last_activity")
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "possible only from an event that ends something" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        rule.save()
    rule.counts_from = "end_of_relationship"
    rule.full_clean()
    rule.save()


def test_zero_from_the_end_of_the_relationship_anonymises_at_the_event(fake_erasure):
    make_published_retention_register(customer_inactive=(0, "years", "end_of_relationship"))
    ended = make_customer(last_activity_at=NOW - DAY, relationship_ended_at=NOW - DAY)
    ongoing = make_customer(last_activity_at=NOW - 3000 * DAY)
    ends_later = make_customer(relationship_ended_at=NOW + DAY)

    result = run("customer_inactive")

    assert set(Customer.objects.filter(erased_at__isnull=False)) == {ended}
    assert {ongoing, ends_later}.isdisjoint(Customer.objects.filter(erased_at__isnull=False))
    assert result.period == "The data is kept as long as the customer relationship lasts."


def test_zero_from_completion_minimises_closed_requests_and_keeps_open_ones():
    make_published_retention_register(completed_request=(0, "days", "request_completed"))
    closed = make_request(status=Request.Status.COMPLETED, closed_at=NOW - DAY, message="Vad har ni?")
    open_request = make_request(status=Request.Status.IN_PROGRESS, message="Vad har ni?")

    run("completed_request")

    closed.refresh_from_db()
    open_request.refresh_from_db()
    assert closed.message == "" and open_request.message == "Vad har ni?"


# --- Executable rules count from their own event --------------------------------------------------------


def test_an_executable_rule_refuses_an_event_its_code_does_not_honour():
    register = make_complete_register()
    rule = register.retention_rules.get(rule="customer_inactive")
    rule.counts_from = "creation"
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "counts from: the customer's last activity, end of the customer relationship" in str(refused.value)
    rule.save()
    missing = register.missing_for_publication()
    assert any(m.startswith("Retention rule for Kontaktuppgifter [en]: The executable rule") for m in missing)
