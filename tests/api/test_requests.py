"""Data-subject requests filed for a customer logged in to the shop, and their status."""

import pytest

from api.models import FiledRequest
from requests.models import Request, RequestEvent
from tests.api.conftest import make_key
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
PATH = "/api/v1/requests/"


def test_a_request_filed_by_the_shop_is_verified_by_the_shop_account(api_call, api_key, mailoutbox):
    key, secret = api_key
    customer = make_customer(external_id="C-1", email="maja@example.com", language="fi")
    data = {"kind": "access", "email": "maja@example.com", "customer": {"external_id": "C-1"}}
    response = api_call("POST", PATH, data, key=secret)
    assert response.status_code == 201, response.json()
    req = Request.objects.get()
    assert (req.kind, req.received_via, req.language) == ("access", "shop", "fi")
    assert req.status == Request.Status.VERIFIED
    assert req.verification_method == Request.VerificationMethod.CUSTOMER_ACCOUNT
    assert key.prefix in req.verification_note
    assert list(req.customers.all()) == [customer]
    assert req.token_hash is None
    assert not [m for m in mailoutbox if "maja@example.com" in m.to]  # no email link is needed
    assert req.events.filter(kind=RequestEvent.Kind.VERIFIED).exists()
    assert response.json() == {
        "number": req.number,
        "kind": "access",
        "status": "verified",
        "received_at": response.json()["received_at"],
        "due_date": req.due_date.isoformat(),
        "verified": True,
    }
    assert FiledRequest.objects.get().api_key == key
    assert {h.history_change_reason for h in req.history.all()} == {f"api key {key.prefix}"}


def test_the_status_and_due_date_can_be_read_back_by_the_key_that_filed_it(api_call, api_key):
    _key, secret = api_key
    filed = api_call("POST", PATH, {"kind": "objection", "email": "a@example.com"}, key=secret).json()
    response = api_call("GET", f"{PATH}{filed['number']}/", key=secret)
    assert response.status_code == 200
    assert response.json()["number"] == filed["number"]
    assert response.json()["due_date"] == filed["due_date"]

    _other, other_secret = make_key(name="Other shop")
    assert api_call("GET", f"{PATH}{filed['number']}/", key=other_secret).status_code == 404
    assert api_call("GET", f"{PATH}R-x/", key=secret).status_code == 404
    _reader, write_only = make_key(scopes=["requests:write"])
    assert api_call("GET", f"{PATH}{filed['number']}/", key=write_only).status_code == 403


def test_a_bad_request_is_400_and_files_nothing(api_call, api_key):
    _key, secret = api_key
    response = api_call("POST", PATH, {"kind": "everything", "email": "x"}, key=secret)
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "email"}
    unknown = api_call(
        "POST",
        PATH,
        {"kind": "access", "email": "a@example.com", "customer": {"external_id": "?"}},
        key=secret,
    )
    assert unknown.status_code == 400 and "customer" in unknown.json()
    assert not Request.objects.exists()


def test_filing_needs_the_scope_and_a_retry_files_once(api_call, api_key):
    _key, secret = api_key
    _reader, read_only = make_key(scopes=["requests:read"])
    data = {"kind": "erasure", "email": "a@example.com"}
    assert api_call("POST", PATH, data, key=read_only).status_code == 403
    first = api_call("POST", PATH, data, key=secret, HTTP_IDEMPOTENCY_KEY="r-1")
    retry = api_call("POST", PATH, data, key=secret, HTTP_IDEMPOTENCY_KEY="r-1")
    assert retry.json() == first.json()
    assert Request.objects.count() == 1
