"""Recipients: listed, or a statement that there are none; purposes get the recipients they need."""

import pytest
from django.utils import translation

from register.models import ContactPerson, Purpose, Recipient, RecipientKind, publish
from register.record import build_record
from tests.factories import make_complete_register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_notice_announcing_recipients_without_any_is_refused():
    register = make_complete_register()
    register.recipients.all().delete()
    missing = register.missing_for_publication()
    assert any(m.startswith("No recipient is listed") for m in missing)


def test_no_regular_disclosures_publishes_the_statement_instead_of_a_list():
    register = make_complete_register()
    register.recipients.all().delete()
    register.no_regular_disclosures = True
    register.save()
    assert register.missing_for_publication() == []
    version = publish(register)
    assert (
        "We do not regularly disclose your personal data to anyone outside our company."
        in version.content["en"]
    )
    assert "Vi lämnar inte regelmässigt ut dina personuppgifter" in version.content["sv"]
    assert "<table>" not in version.content["en"].split('id="recipients"')[1].split("</section>")[0]


def test_no_regular_disclosures_with_recipients_listed_is_a_contradiction():
    register = make_complete_register(no_regular_disclosures=True)
    assert any("is ticked, but recipients are listed" in m for m in register.missing_for_publication())


@pytest.mark.parametrize(
    ("needed", "listed"),
    [(RecipientKind.CARRIER, RecipientKind.PAYMENT), (RecipientKind.PAYMENT, RecipientKind.CARRIER)],
)
def test_a_purpose_that_needs_a_recipient_kind_needs_one_listed(needed, listed):
    register = make_complete_register()
    register.recipients.update(kind=listed)
    Purpose.objects.create(
        register=register,
        legal_basis="b",
        needs_recipient_kind=needed,
        text_sv="Betalning",
        text_fi="Maksu",
        text_nb="Betaling",
        text_en="Taking payment",
    )
    missing = register.missing_for_publication()
    (gap,) = [m for m in missing if "needs a recipient" in m]
    assert gap.startswith("Purpose “Taking payment” needs a recipient of the kind")
    Recipient.objects.create(
        register=register, kind=needed, name_sv="X", name_fi="X", name_nb="X", name_en="X"
    )
    assert register.missing_for_publication() == []


def test_debt_collection_is_a_recipient_kind_shown_in_every_language():
    register = make_complete_register()
    Recipient.objects.create(
        register=register,
        kind=RecipientKind.DEBT_COLLECTION,
        name_sv="Inkassobolaget",
        name_fi="Perintätoimisto",
        name_nb="Inkassobyrået",
        name_en="The debt collector",
    )
    version = publish(register)
    assert "Inkasso" in version.content["sv"]
    assert "Perintä" in version.content["fi"]
    assert "Debt collection" in version.content["en"]


def test_contact_person_postal_address_is_in_notice_and_record():
    register = make_complete_register()
    ContactPerson.objects.filter(register=register).update(
        emails="", street_address="Storgatan 2", postal_code="111 22", city="Stockholm", country="SE"
    )
    # A postal address alone is a way to reach the contact (GDPR Art. 13(1)(b)).
    assert register.missing_for_publication() == []
    version = publish(register)
    assert "Storgatan 2<br>111 22 Stockholm<br>SE" in version.content["sv"]
    assert version.snapshot["contacts"][0]["address_lines"] == ["Storgatan 2", "111 22 Stockholm", "SE"]
    assert "Storgatan 2 111 22 Stockholm SE" in build_record(register).contacts[0]
