"""Fuzz the public endpoints with hypothesis: no input gives a 5xx.

The request form in every language with every field (any kind, unicode with control, zero-width
and right-to-left characters, very long values, addresses that grow when case-folded or
converted for sending), and the verification, report-download and unsubscribe links with
random and damaged tokens under every HTTP method. Deterministic (``derandomize``) and bounded,
so it runs in seconds and fails the same way every time.
"""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.unsubscribe import make_unsubscribe_token
from register.email_address import MAX_LENGTH, as_sent
from requests.forms import PROPOSAL_PREFIX
from requests.models import Request
from requests.rectification import RECTIFIABLE_FIELDS
from requests.reports import build_access_report, make_download_token
from tests.factories import make_consent, make_customer, make_matched_request, make_request

pytestmark = pytest.mark.django_db

LANGUAGES = ["sv", "fi", "nb", "en"]
METHODS = ["get", "head", "options", "post", "put", "patch", "delete"]
# Characters that broke or could break a form: NUL and controls, zero-width and joiners,
# direction overrides, a BOM, letters that grow when case-folded or IDNA-encoded, emoji.
SPECIAL = "\x00\x07\x1b\r\n\t\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u00ad" + "ßäöåøæİﬃＡ" + "😀\U0001f46a"
FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

characters = st.characters(blacklist_categories=("Cs",)) | st.sampled_from(SPECIAL)
short_texts = st.text(characters, max_size=60)
# Mostly short values, sometimes one far past every field's limit.
texts = st.one_of(
    short_texts,
    short_texts,
    short_texts,
    st.text(characters, min_size=1, max_size=8).map(lambda s: s * 800),
)
# Domains near the limits: parts of up to 63 characters that grow when case-folded ("ß") or
# converted for sending ("ä"), in addresses near 254 characters.
labels = st.text(st.sampled_from("aßäöＡx9-\u200b"), min_size=1, max_size=63)
domains = st.lists(labels, min_size=1, max_size=8).map(lambda parts: ".".join([*parts, "se"]))
# Domains that fill an address to near 254 characters with one letter: "ß" grows past it when
# case-folded, "ä" in parts near 63 characters when converted for sending.
near_limit_domains = st.builds(
    lambda letter, count, slack: ".".join([letter * min(63, 246 // count - 1 - slack)] * count + ["se"]),
    st.sampled_from("ßßäaＡ"),
    st.integers(1, 12),
    st.integers(0, 8),
)
emails = st.one_of(
    st.emails(),
    texts.map(str),  # one branch, not four
    st.builds("{}@{}".format, st.text(st.sampled_from("anna.+Kß\x00"), min_size=1, max_size=64), domains),
    st.builds("{}@{}".format, st.sampled_from(["a", "anna.k"]), near_limit_domains),
    st.builds("{}@{}".format, st.sampled_from(["a", "anna.k"]), near_limit_domains),
)
FIELDS = [
    "name",
    "customer_number",
    "order_number",
    "message",
    "rectification_wrong",
    "rectification_correct",
    "withdrawal_purposes",
    *(f"{PROPOSAL_PREFIX}{name}" for name in RECTIFIABLE_FIELDS),
]
# A submission of a real kind, with hostile values in a few of the other fields: often valid,
# so intake runs; sometimes a kind that is no kind at all.
form_fields = st.builds(
    lambda kind, email, hostile, honeypot: {"kind": kind, "email": email, **hostile, **honeypot},
    st.sampled_from([*Request.Kind.values] * 5 + ["", "\x00", "ACCESS", "access" * 500]),
    emails,
    st.dictionaries(st.sampled_from(FIELDS), st.one_of(texts.map(str), emails.map(str)), max_size=2),
    # Now and then a bot fills in the hidden field.
    st.sampled_from([{}] * 5 + [{"website": "http://spam.example"}]),
)
tokens = st.one_of(
    st.text(characters, min_size=1, max_size=120),
    st.text(st.sampled_from("abcXYZ019-_:"), min_size=1, max_size=400),
)


# A valid token, cut short and given another ending (or left whole: the link must work too).
ends = st.text(st.sampled_from("abc:-_%/"), max_size=3)


def damage(token: str, keep: int, end: str) -> str:
    return token[:keep] + end


@pytest.fixture
def unlimited(settings):
    # The rate limit would answer 429 long before the fuzzer is done.
    settings.REQUEST_RATE_LIMIT = 10**9


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def test_the_request_form_never_answers_5xx_in_any_language(unlimited):
    client = Client()

    @FUZZ
    @given(language=st.sampled_from(LANGUAGES), data=form_fields)
    def submit(language, data):
        assert client.get(url("requests:new", language), {"kind": data["kind"][:50]}).status_code == 200
        stored = Request.objects.count()
        response = client.post(url("requests:new", language), data)
        assert response.status_code in (200, 302), response.status_code
        if Request.objects.count() > stored:
            # What was taken in can be stored and mailed: the verification link goes out.
            request = Request.objects.latest("pk")
            assert len(request.email_normalized) <= MAX_LENGTH
            assert len(as_sent(request.email)) <= MAX_LENGTH

    submit()


def test_link_endpoints_never_answer_5xx_to_any_token_or_method(dpo):
    customer = make_customer()
    make_consent(customer, "newsletter_email")
    valid = {
        "requests:verify": make_request(status=Request.Status.RECEIVED).issue_verification_token(),
        "requests:report": make_download_token(build_access_report(make_matched_request([customer]), by=dpo)),
        "customers:unsubscribe": make_unsubscribe_token(customer, "newsletter_email"),
    }
    client = Client()

    @FUZZ
    @given(
        name=st.sampled_from(sorted(valid)),
        language=st.sampled_from(LANGUAGES),
        method=st.sampled_from(METHODS),
        token=tokens | st.builds(damage, st.sampled_from(list(valid.values())), st.integers(1, 120), ends),
        body=st.dictionaries(
            st.sampled_from(["List-Unsubscribe", "csrfmiddlewaretoken", "x"]), texts, max_size=2
        ),
    )
    def follow(name, language, method, token, body):
        prefix = url(name, language, "T").removesuffix("T/")
        path = f"{prefix}{quote(token, safe='')}/"
        response = getattr(client, method)(path, body) if method == "post" else getattr(client, method)(path)
        assert response.status_code < 500, (method, path, response.status_code)

    follow()
