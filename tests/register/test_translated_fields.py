"""Translated texts: per-language columns, fallback to the original language, kept in history."""

import pytest
from django.utils import translation

from register.models import Purpose, Register
from tests.factories import make_register

pytestmark = pytest.mark.django_db


def test_text_follows_the_active_language():
    register = make_register()
    with translation.override("fi"):
        assert register.name == "Kundregister [fi]"
    assert register.translated("name", "nb") == "Kundregister [nb]"


def test_missing_language_falls_back_to_the_original_language():
    register = make_register(language="fi", name_en="", name_sv="")
    assert register.translated("name", "en") == "Kundregister [fi]"
    purpose = Purpose.objects.create(
        register=register, legal_basis="b", text_fi="Toimitus", text_sv="Leverans"
    )
    purpose = Purpose.objects.select_related("register").get(pk=purpose.pk)
    assert purpose.translated("text", "en") == "Toimitus"


def test_history_keeps_every_language_column():
    register = make_register()
    register.name_nb = "Nytt navn"
    register.save()
    old, new = register.history.order_by("history_id")
    assert old.name_nb == "Kundregister [nb]"
    assert new.name_nb == "Nytt navn"
    columns = {f.name for f in Register.history.model._meta.fields}
    assert {"name_sv", "name_fi", "name_nb", "name_en"} <= columns
