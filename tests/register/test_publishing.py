"""Publishing refuses an incomplete register and names what GDPR Art. 13 still needs."""

import pytest
from django.core.exceptions import ValidationError

from register.models import DataCategory, NoticeVersion, Purpose, Recipient, Register, RightsChannel, publish
from register.publishing import RegisterIncomplete
from tests.factories import make_complete_register, make_register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _staff_language_english():
    """The missing list is in the staff member's language; these tests read it in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_empty_register_is_refused_with_the_missing_items_named():
    register = make_register()
    with pytest.raises(RegisterIncomplete) as refused:
        publish(register)
    missing = "\n".join(refused.value.missing)
    assert "No controller" in missing
    assert "No contact person" in missing
    assert "No purpose" in missing
    assert "No personal-data category" in missing
    assert "No protection principle" in missing
    assert "No way for customers to exercise their rights" in missing
    assert not NoticeVersion.objects.exists()


def test_complete_register_publishes_version_one_with_every_language(dpo):
    register = make_complete_register()
    assert register.missing_for_publication() == []
    version = publish(register, by=dpo)
    assert version.number == 1
    assert version.published_by == dpo
    assert set(version.content) == {"sv", "fi", "nb", "en"}
    assert "Testbutik Oy" in version.content["fi"]
    assert version.snapshot["purposes"][0]["text"]["nb"] == "Leverera beställningar [nb]"
    assert NoticeVersion.objects.current() == version


def test_versions_are_numbered_consecutively():
    register = make_complete_register()
    assert [publish(register).number for _ in range(3)] == [1, 2, 3]


def test_purpose_without_legal_basis_is_named():
    register = make_complete_register()
    Purpose.objects.filter(register=register).update(legal_basis="")
    missing = register.missing_for_publication()
    assert any("Purpose “Leverera beställningar [en]” has no legal basis" in m for m in missing)


def test_legitimate_interest_without_the_interest_is_named():
    register = make_complete_register()
    Purpose.objects.filter(register=register).update(legal_basis="f")
    assert any("legitimate interest is not stated" in m for m in register.missing_for_publication())


def test_recipient_outside_eea_without_safeguard_is_named():
    register = make_complete_register()
    Recipient.objects.filter(register=register).update(outside_eea=True, country="US", safeguard="none")
    missing = register.missing_for_publication()
    assert any("Posti" in m and "no safeguard" in m for m in missing)
    Recipient.objects.filter(register=register).update(safeguard="scc")
    assert register.missing_for_publication() == []


def test_category_without_retention_rule_is_named():
    register = make_complete_register()
    DataCategory.objects.create(
        register=register, name_sv="Köphistorik", name_fi="Ostohistoria", name_nb="Kjøp", name_en="Purchases"
    )
    assert any("Purchases" in m and "no retention rule" in m for m in register.missing_for_publication())


def test_missing_translation_is_named_with_the_language():
    register = make_complete_register()
    Purpose.objects.filter(register=register).update(text_nb="")
    assert register.missing_for_publication() == ["1 text missing in Norwegian"]
    (norwegian,) = register.publication_check().translations
    assert [gap.text for gap in norwegian.items] == ["Purpose “Leverera beställningar [en]”: “purpose”"]


def test_right_without_channel_is_named():
    register = make_complete_register()
    RightsChannel.objects.filter(register=register, right="portability").delete()
    assert any("Data portability" in m for m in register.missing_for_publication())


def test_missing_list_follows_the_staff_members_language():
    from django.utils import translation

    register = make_register()
    with translation.override("sv"):
        missing = register.missing_for_publication()
    assert any("personuppgiftsansvarig" in m for m in missing)


def test_published_version_cannot_be_changed():
    version = publish(make_complete_register())
    version.content = {"sv": "changed"}
    with pytest.raises(ValidationError):
        version.save()
    version.refresh_from_db()
    assert version.content["sv"] != "changed"


def test_only_one_register_is_current():
    from django.db import IntegrityError, transaction

    make_register()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_register()
    assert Register.objects.current() is not None


def test_in_force_on_returns_the_version_published_before_the_moment():
    from datetime import timedelta

    register = make_complete_register()
    first = publish(register)
    second = publish(register)
    assert NoticeVersion.objects.in_force_on(first.published_at) == first
    assert NoticeVersion.objects.in_force_on(second.published_at + timedelta(days=1)) == second
    assert NoticeVersion.objects.in_force_on(first.published_at - timedelta(days=1)) is None


def test_current_is_none_before_publication():
    assert NoticeVersion.objects.current() is None
