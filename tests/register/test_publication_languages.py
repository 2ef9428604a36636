"""A register publishes in its declared languages; others see the original with a line saying so."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from register.models import NoticeVersion, Register, publish
from requests.reports import notice_context
from tests.factories import make_complete_register

pytestmark = pytest.mark.django_db


def norwegian_only():
    return make_complete_register(languages=("nb",), country="NO")


def test_a_register_written_in_one_language_publishes_in_it_alone():
    register = norwegian_only()
    assert register.publishing_languages() == ["nb"]
    assert register.missing_for_publication() == []
    version = publish(register)
    assert set(version.content) == {"nb"}
    assert version.snapshot["languages"] == ["nb"]
    assert "Leverera beställningar [nb]" in version.content["nb"]
    # Headings are the product's own texts, in the notice's language.
    assert "<h2>Hvor lenge opplysningene lagres</h2>" in version.content["nb"]
    assert "Opplysningene lagres i 3 år etter kundens siste aktivitet." in version.content["nb"]


def test_original_language_is_always_published():
    register = norwegian_only()
    register.published_languages = ["en"]
    assert register.publishing_languages() == ["nb", "en"]


def test_only_the_published_languages_need_complete_texts():
    register = make_complete_register(languages=("sv", "fi"))
    assert register.missing_for_publication() == []
    register.purposes.update(text_fi="")
    with translation.override("en"):
        assert register.missing_for_publication() == ["1 text missing in Finnish"]


def test_a_half_written_translation_in_an_unpublished_language_is_never_shown(client):
    register = make_complete_register(languages=("sv",))
    register.name_en = "Half-translated name"
    register.save()
    version = publish(register)
    assert version.snapshot["name"]["en"] == ""
    html = client.get("/en/privacy/").content.decode()
    assert "Half-translated name" not in html
    assert "Kundregister [sv]" in html


def test_visitor_in_another_language_sees_the_original_with_one_line_in_their_language(client):
    publish(norwegian_only())
    html = client.get("/sv/privacy/").content.decode()
    assert '<html lang="sv">' in html
    assert (
        "Dataskyddsbeskrivningen publiceras inte på det här språket. Den visas på norska, det språk den är "
        "skriven på." in html
    )
    assert '<h1 lang="nb">Kundregister [nb]</h1>' in html
    assert '<div lang="nb">' in html
    assert "Leverera beställningar [nb]" in html
    # The page's own texts (version line, language switcher, footer) stay in the visitor's language.
    assert "Version 1, publicerad" in html


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("fi", "Se näytetään norjaksi"),
        ("en", "It is shown in Norwegian, the language it was written in."),
    ],
)
def test_the_fallback_line_follows_the_visitors_language(client, language, line):
    publish(norwegian_only())
    assert line in client.get(f"/{language}/privacy/").content.decode()


def test_visitor_in_a_published_language_gets_no_fallback_line(client):
    publish(norwegian_only())
    html = client.get("/nb/privacy/").content.decode()
    assert 'id="shown-in-original"' not in html
    assert '<div lang="nb">' in html


def test_versions_published_in_every_language_stay_as_they_were(client):
    publish(make_complete_register())
    html = client.get("/fi/privacy/").content.decode()
    assert 'id="shown-in-original"' not in html
    assert "Leverera beställningar [fi]" in html


def test_the_products_own_pages_stay_in_every_language(client):
    publish(norwegian_only())
    for language, word in (("sv", "begär"), ("fi", "pyy"), ("en", "request")):
        with translation.override(language):
            html = client.get(reverse("requests:new")).content.decode()
        assert f'lang="{language}"' in html
        assert word in html.lower()


def test_access_report_reads_the_original_language_where_the_customer_language_is_not_published():
    publish(norwegian_only())
    notice = notice_context("sv")["notice"]
    assert notice["purposes"][0]["text"] == "Leverera beställningar [nb]"
    assert notice["retention"][0]["categories"] == ["Kontaktuppgifter [nb]"]
    assert notice["retention"][0]["sentence"].startswith("Uppgifterna sparas i 3 år")


def test_unknown_language_codes_are_refused():
    register = norwegian_only()
    register.published_languages = ["nb", "de"]
    with pytest.raises(ValidationError) as refused:
        register.full_clean()
    assert "published_languages" in refused.value.message_dict


def test_dpo_chooses_the_languages_with_checkboxes(dpo_client):
    register = norwegian_only()
    url = reverse("admin:register_register_change", args=[register.pk])
    html = dpo_client.get(url).content.decode()
    for code in ("sv", "fi", "nb", "en"):
        assert f'type="checkbox" name="published_languages" value="{code}"' in html
    assert Register._meta.get_field("published_languages").formfield().clean(["en", "nb"]) == ["en", "nb"]


def test_a_published_notice_keeps_its_languages_after_the_register_changes(client):
    register = norwegian_only()
    version = publish(register)
    register.published_languages = ["nb", "en"]
    register.save()
    assert NoticeVersion.objects.get(pk=version.pk).language_shown("en") == "nb"
