"""Staff read names, not codes: fields, languages, countries, emails and periods, in their language."""

import pytest
from django.urls import reverse

from register.models import PurgeRuleResult
from register.retention import run_purge
from requests.emails import send_request_email
from requests.erasure import erase_customer
from requests.models import ErasureRecord, Request
from requests.rectification import record_proposals
from tests.factories import make_customer, make_matched_request, make_published_retention_register

pytestmark = pytest.mark.django_db


def page_in_swedish(client, name: str, *args) -> str:
    client.cookies["django_language"] = "sv"
    return client.get(reverse(name, args=args)).content.decode()


def test_erasure_preview_names_fields_and_leaves_out_computed_copies(dpo_client):
    request = make_matched_request([make_customer(first_name="Maja")], kind=Request.Kind.ERASURE)
    page = page_in_swedish(dpo_client, "admin:requests_request_erasure", request.pk)
    assert "förnamn" in page and "e-post" in page
    for code in ("first_name", "email_digest", "email_normalized", "phone_digest", "normalised email"):
        assert code not in page
    assert "normaliserad" not in page  # the normalised copies go with their source


def test_rectification_review_names_the_language_and_the_country(dpo_client):
    customer = make_customer(language="nb", country="NO")
    request = make_matched_request([customer], kind=Request.Kind.RECTIFICATION)
    record_proposals(request, {"language": "sv", "country": "SE"})
    html = page_in_swedish(dpo_client, "admin:requests_rectificationchange_review", request.pk)
    language = html[html.index('data-field="language"') :]
    language = language[: language.index("</tr>")]
    assert "norska (bokmål)" in language.lower() or "norsk" in language.lower()
    assert ">nb<" not in language and "<strong>sv</strong>" not in language
    country = html[html.index('data-field="country"') :]
    country = country[: country.index("</tr>")]
    assert "Norge" in country and "<strong>Sverige</strong>" in country
    # The value to apply is chosen by name; the code is what is sent.
    assert '<option value="SE" selected>Sverige</option>' in country


def test_correspondence_names_the_email_not_its_template_key(dpo_client):
    request = make_matched_request([make_customer()], kind=Request.Kind.ACCESS)
    send_request_email(request, "acknowledgement")
    page = page_in_swedish(dpo_client, "admin:requests_request_change", request.pk)
    assert "Mottagningsbekräftelse" in page and ">acknowledgement<" not in page
    listing = dpo_client.get(reverse("admin:requests_requestmessage_changelist")).content.decode()
    assert "Mottagningsbekräftelse" in listing and "acknowledgement</" not in listing


def test_erasure_record_is_a_table_in_the_readers_language(dpo_client, dpo):
    erase_customer(make_customer(), by=dpo, reason="test")
    record = ErasureRecord.objects.get()
    page = page_in_swedish(dpo_client, "admin:requests_erasurerecord_change", record.pk)
    assert "erasure-items" in page and "Kunder" in page and "förnamn" in page
    assert '"model"' not in page and "customers.customer" not in page


def test_purge_report_words_the_period_in_the_readers_language(dpo_client):
    make_published_retention_register()
    run_purge()
    result = PurgeRuleResult.objects.exclude(period_values={}).first()
    assert set(result.period_values) == {"amount", "unit", "counts_from"}
    page = page_in_swedish(dpo_client, "admin:register_purgerun_change", result.run_id)
    assert "The data is kept for" not in page and "Uppgifterna sparas" in page


def test_a_request_is_named_in_the_active_language_each_time():
    from django.utils import translation

    from tests.factories import make_request

    request = make_request()
    names = {}
    for language in ("sv", "fi", "en", "nb", "sv"):
        with translation.override(language):
            names.setdefault(language, set()).add(str(request))
    assert names == {
        "sv": {f"Begäran R-{request.pk}"},
        "fi": {f"Pyyntö R-{request.pk}"},
        "en": {f"Request R-{request.pk}"},
        "nb": {f"Forespørsel R-{request.pk}"},
    }
