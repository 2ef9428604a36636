"""The publish-refusal list: GDPR gaps first, translations collapsed per language, every item findable."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from register.models import DataCategory, Purpose, RetentionRule
from tests.factories import make_category, make_complete_register, make_register, make_retention_rule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def gappy_register():
    """Published in sv (original), fi and en; gaps of every sort, and texts missing in fi and en."""
    register = make_complete_register(published_languages=["sv", "fi", "en"])
    register.purposes.update(legal_basis="")
    register.controllers.update(business_id="1234567-8", email="", street_address="", postal_code="", city="")
    register.controllers.update(country="")
    register.recipients.all().delete()
    Purpose.objects.create(register=register, legal_basis="f", text_sv="Statistik")
    categories = [make_category(register, f"Kategori {n}", languages=("sv",)) for n in range(10)]
    for category in categories:
        make_retention_rule(
            register,
            [category],
            period_amount=1,
            period_unit="months",
            counts_from="creation",
            description_sv="Enligt avtalet.",
        )
    make_category(register, "Utan regel")
    return register


def test_gdpr_gaps_come_first_then_one_line_per_language():
    register = gappy_register()
    lines = register.missing_for_publication()
    check = register.publication_check()
    assert lines[: len(check.gaps)] == [gap.text for gap in check.gaps]
    assert lines[len(check.gaps) :] == [language.summary for language in check.translations]
    assert [language.language for language in check.translations] == ["fi", "en"]
    # Per language: ten category names, ten rule descriptions and the new purpose's text.
    finnish = check.translations[0]
    assert len(finnish.items) == 10 + 10 + 1
    assert finnish.summary == "21 texts missing in Finnish"


def test_one_missing_translation_reads_in_the_singular_and_in_the_staff_language():
    register = make_complete_register()
    register.purposes.update(text_fi="")
    assert register.missing_for_publication() == ["1 text missing in Finnish"]
    with translation.override("fi"):
        assert register.missing_for_publication() == ["Suomenkielisestä versiosta puuttuu 1 teksti"]
    with translation.override("sv"):
        register.purposes.update(text_nb="")
        assert register.missing_for_publication() == ["1 text saknas på finska", "1 text saknas på norska"]


def test_each_item_is_named_so_it_can_be_found():
    register = gappy_register()
    text = "\n".join(register.missing_for_publication())
    assert "Purpose “Leverera beställningar [en]” has no legal basis" in text
    assert "Purpose “Statistik”: the legitimate interest is not stated" in text
    assert "Controller “Testbutik Oy” has no contact details" in text
    assert "Controller “Testbutik Oy”: The check digit of this Y-tunnus is wrong" in text
    assert "Data category “Utan regel [en]” has no retention rule" in text
    finnish = register.publication_check().translations[0]
    names = [gap.text for gap in finnish.items]
    assert "Data category “Kategori 3 [sv]”: “name”" in names
    # Ten rules of the same period, each named by the category it covers.
    assert "Retention rule for Kategori 3 [sv]: “description”" in names
    assert len({name for name in names if name.startswith("Retention rule for")}) == 10
    assert "months" not in "\n".join(names)


def test_retention_rules_are_named_by_their_categories():
    register = make_complete_register()
    one = make_category(register, "Namn")
    two = make_category(register, "Adress")
    rule = make_retention_rule(register, [one, two])
    assert rule.label() == "Retention rule for Namn [en], Adress [en]"
    executable = RetentionRule.objects.create(
        register=register,
        period_amount=7,
        period_unit="days",
        counts_from="request_received",
        rule="unverified_request",
    )
    assert executable.label() == "Retention rule “Unverified requests”"
    assert (
        RetentionRule(period_amount=1, period_unit="days", counts_from="creation").label(4)
        == "Retention rule 4"
    )


def test_every_item_links_to_a_page_that_has_the_field(dpo_client):
    register = gappy_register()
    check = register.publication_check()
    gaps = check.gaps + [gap for language in check.translations for gap in language.items]
    assert all(gap.url for gap in gaps)
    pages = {}
    for gap in gaps:
        parts = urlsplit(gap.url)
        if parts.path not in pages:
            response = dpo_client.get(parts.path)
            assert response.status_code == 200, gap.url
            pages[parts.path] = response.content.decode()
        assert parts.fragment, gap.url
        assert f'id="{parts.fragment}"' in pages[parts.path], gap.url


def test_change_page_groups_the_list_with_links(dpo_client):
    register = gappy_register()
    html = dpo_client.get(reverse("admin:register_register_change", args=[register.pk])).content.decode()
    status = html.split('id="publication-status"')[1].split("</div>")[0]
    assert status.index("has no legal basis") < status.index("texts missing in Finnish")
    assert "<details" in status and "<summary>21 texts missing in Finnish</summary>" in status
    purpose = register.purposes.order_by("pk").first()
    assert reverse("admin:register_purpose_change", args=[purpose.pk]) + "#id_legal_basis" in status


def test_publish_page_lists_the_same_groups(dpo_client):
    register = gappy_register()
    html = dpo_client.get(reverse("admin:register_register_publish", args=[register.pk])).content.decode()
    assert "This register cannot be published yet" in html
    assert "21 texts missing in Finnish" in html


def test_the_changelist_action_reports_a_refusal_as_an_error_never_a_success(dpo_client):
    register = make_register()
    response = dpo_client.post(
        reverse("admin:register_register_changelist"),
        {"action": "publish_selected", "_selected_action": [register.pk]},
        follow=True,
    )
    html = response.content.decode()
    messages = re.findall(r'<li class="(\w+)">', html.split('class="messagelist"')[1].split("</ul>\n")[0])
    assert messages and set(messages) == {"error"}
    assert 'class="success"' not in html
    assert "was not published" in html
    assert f'href="/admin/register/register/{register.pk}/change/#controllers-group"' in html


def test_add_page_says_to_save_first_and_offers_no_other_registers_parts(dpo_client):
    other = make_complete_register()
    other_purpose = other.purposes.get()
    html = dpo_client.get(reverse("admin:register_register_add")).content.decode()
    assert "Save the register first: its data categories can be linked" in html
    assert f'value="{other_purpose.pk}">' not in html


def test_change_page_says_parts_added_on_it_can_be_linked_after_saving(dpo_client):
    register = make_complete_register()
    other = make_complete_register(is_current=False)
    html = dpo_client.get(reverse("admin:register_register_change", args=[register.pk])).content.decode()
    assert "Those added on this page can be chosen after saving." in html
    own = DataCategory.objects.get(register=register)
    foreign = DataCategory.objects.get(register=other)
    assert f'value="{own.pk}"' in html
    assert f'name="retention_rules-0-categories" value="{foreign.pk}"' not in html
