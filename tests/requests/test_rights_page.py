"""The rights page explains each right and names the controller and the supervisory authority."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_complete_register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "phrase", "authority"),
    [
        ("sv", "Dina rättigheter", "Dataombudsmannens byrå"),
        ("fi", "Oikeutesi henkilötietoihisi", "Tietosuojavaltuutetun toimisto"),
        ("nb", "Dine rettigheter", "Datatilsynet i Finland"),
        ("en", "Your rights over your personal data", "Office of the Data Protection Ombudsman"),
    ],
)
def test_rights_page_uses_the_register_in_every_language(client, settings, language, phrase, authority):
    settings.SHOP_COUNTRY = "FI"
    make_complete_register()
    with translation.override(language):
        url = reverse("requests:rights")
        form_url = reverse("requests:new")
    content = client.get(url).content.decode()
    assert phrase in content
    assert authority in content
    assert "Testbutik Oy" in content
    assert "dpo@testbutik.example" in content
    assert f'href="{form_url}"' in content


def test_rights_page_works_without_a_register(client):
    with translation.override("sv"):
        response = client.get(reverse("requests:rights"))
    assert response.status_code == 200
