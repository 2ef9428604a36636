"""Customer emails go out in the customer's language and are stored as correspondence."""

import pytest
from django.core import mail

from requests.emails import send_request_email
from tests.factories import make_request

pytestmark = pytest.mark.django_db

# One phrase of the acknowledgement template in each language.
ACKNOWLEDGEMENT = {
    "sv": "Vi har tagit emot din begäran",
    "fi": "Olemme vastaanottaneet pyyntösi",
    "nb": "Vi har mottatt forespørselen din",
    "en": "We have received your request",
}


@pytest.mark.parametrize("language", ["sv", "fi", "nb", "en"])
def test_acknowledgement_is_in_the_customers_language(language, dpo):
    req = make_request(language=language)
    message = send_request_email(req, "acknowledgement", sent_by=dpo)
    assert ACKNOWLEDGEMENT[language] in mail.outbox[0].subject
    assert ACKNOWLEDGEMENT[language] in mail.outbox[0].body
    assert message.language == language and message.sent_by == dpo
    assert message.body == mail.outbox[0].body


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("sv", "Integritetsskyddsmyndigheten"),
        ("fi", "Ruotsin tietosuojaviranomainen"),
        ("nb", "Det svenske datatilsynet"),
        ("en", "Swedish Authority for Privacy Protection"),
    ],
)
def test_rejection_names_the_shops_authority_in_the_customers_language(language, phrase, dpo, settings):
    settings.SHOP_COUNTRY = "SE"
    req = make_request(language=language)
    req.reject(by=dpo, reason="manifestly_unfounded", justification="-")
    assert phrase in mail.outbox[0].body


@pytest.mark.parametrize("template", ["acknowledgement", "identity_request", "completion", "extension"])
@pytest.mark.parametrize("language", ["sv", "fi", "nb", "en"])
def test_every_reply_template_renders_in_every_language(template, language):
    req = make_request(language=language)
    message = send_request_email(req, template)
    assert message.subject and req.number in message.subject
    assert "{%" not in message.body and "{{" not in message.body
