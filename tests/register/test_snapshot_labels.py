"""Choice labels (legal basis, contact role, ...) are stored in every language when publishing."""

import pytest
from django.core.management import call_command

from register.models import NoticeVersion

pytestmark = pytest.mark.django_db


def test_published_notice_has_choice_labels_in_each_language():
    call_command("load_example_register", "jalonom", verbosity=0)
    version = NoticeVersion.objects.current()
    purpose = next(p for p in version.snapshot["purposes"] if p["legal_basis"] == "f")
    labels = purpose["legal_basis_label"]
    assert labels["en"] == "Legitimate interest (GDPR Art. 6(1)(f))"
    assert len({labels[code] for code in ("sv", "fi", "nb", "en")}) == 4
    assert labels["fi"] in version.content["fi"]
    assert "Legitimate interest (GDPR" not in version.content["fi"]
