"""The access report's retention section (GDPR Art. 15(1)(d)): whole sentences in the customer's language."""

import zipfile

import pytest
from django.utils import timezone

from register.models import NoticeVersion, publish
from register.publishing import build_snapshot
from requests.reports import build_access_report
from tests.factories import (
    make_category,
    make_complete_register,
    make_customer,
    make_matched_request,
    make_retention_rule,
)

pytestmark = pytest.mark.django_db


def retention_section(report) -> str:
    html = zipfile.ZipFile(report.path).read("index.html").decode()
    start = html.index('<section id="art15-1-d">')
    return html[start : html.index("</section>", start)]


def test_report_states_each_rule_once_with_its_categories_in_the_customers_language(dpo):
    register = make_complete_register()
    covered = [make_category(register, "Namn"), make_category(register, "Adress")]
    make_retention_rule(register, covered, period_amount=0, counts_from="end_of_relationship")
    publish(register)
    customer = make_customer(language="fi")

    section = retention_section(build_access_report(make_matched_request([customer]), by=dpo))

    assert "<strong>Namn [fi], Adress [fi]</strong>: Tiedot säilytetään asiakassuhteen ajan." in section
    assert "Tiedot säilytetään 3 vuotta asiakkaan viimeisimmän asioinnin jälkeen." in section


def test_report_from_a_notice_published_before_rules_had_sentences(dpo):
    register = make_complete_register()
    snapshot = build_snapshot(register)
    # The format-1 shape: one category per rule, period and event as codes, no sentence.
    snapshot["format"] = 1
    snapshot["retention"] = [
        {
            "category": rule["categories"][0],
            "description": rule["description"],
            "period_amount": 1,
            "period_unit": "months",
            "counts_from": "end_of_relationship",
            "action": "anonymise",
            "rule": rule["rule"],
        }
        for rule in snapshot["retention"]
    ]
    NoticeVersion.objects.create(
        register=register,
        number=1,
        published_at=timezone.now(),
        content={"sv": "<p>x</p>"},
        snapshot=snapshot,
    )
    customer = make_customer(language="nb")

    section = retention_section(build_access_report(make_matched_request([customer]), by=dpo))

    assert (
        "<strong>Kontaktuppgifter [nb]</strong>: Opplysningene lagres i 1 måned etter at kundeforholdet er "
        "avsluttet. Deretter anonymiseres de." in section
    )
