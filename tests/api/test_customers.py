"""Upserting customers: by shop id or email, the key as actor, 400 per field, idempotency."""

import pytest

from customers.models import Customer
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
PATH = "/api/v1/customers/"


def test_a_new_customer_is_created_with_the_key_named_in_its_history(api_call, api_key):
    key, secret = api_key
    data = {"external_id": "1001", "email": "Maja@Example.com", "first_name": "Maja", "country": "fi"}
    response = api_call("POST", PATH, data, key=secret)
    assert response.status_code == 201
    customer = Customer.objects.get(external_id="1001")
    assert (customer.first_name, customer.email_normalized, customer.country) == (
        "Maja",
        "maja@example.com",
        "FI",
    )
    assert response.json() == {
        "customer_number": customer.customer_number,
        "external_id": "1001",
        "created": True,
        "changed": True,
    }
    entry = customer.history.get()
    assert entry.history_change_reason == f"api key {key.prefix}"
    assert entry.history_user is None


def test_an_update_changes_only_what_was_sent_and_an_unchanged_upsert_writes_no_history(api_call, api_key):
    _key, secret = api_key
    customer = make_customer(external_id="77", first_name="Anna", city="Vasa")
    response = api_call("POST", PATH, {"external_id": "77", "first_name": "Annika"}, key=secret)
    assert response.status_code == 200
    assert response.json()["changed"] is True
    customer.refresh_from_db()
    assert (customer.first_name, customer.city) == ("Annika", "Vasa")
    assert customer.history.count() == 2

    again = api_call("POST", PATH, {"external_id": "77", "first_name": "Annika"}, key=secret)
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert customer.history.count() == 2


def test_a_customer_known_only_by_email_is_linked_to_the_shop_id(api_call, api_key):
    _key, secret = api_key
    customer = make_customer(email="linda@example.com")
    response = api_call("POST", PATH, {"external_id": "5", "email": "LINDA@example.com"}, key=secret)
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.external_id == "5"
    assert Customer.objects.count() == 1


def test_bad_fields_get_400_naming_each_and_nothing_is_written(api_call, api_key):
    _key, secret = api_key
    data = {"external_id": "9", "email": "not-an-email", "country": "Finland", "language": "xx"}
    response = api_call("POST", PATH, data, key=secret)
    assert response.status_code == 400
    assert set(response.json()) == {"email", "country", "language"}
    assert not Customer.objects.exists()


def test_neither_id_nor_email_is_a_bad_field(api_call, api_key):
    _key, secret = api_key
    response = api_call("POST", PATH, {"first_name": "Nobody"}, key=secret)
    assert response.status_code == 400
    assert "external_id" in response.json()


def test_a_rule_of_the_register_broken_is_a_400_too(api_call, api_key):
    _key, secret = api_key
    make_customer(customer_number="C1")
    response = api_call("POST", PATH, {"email": "x@example.com", "customer_number": "C1"}, key=secret)
    assert response.status_code == 400
    assert "customer_number" in response.json()
    assert Customer.objects.count() == 1


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_writes_nothing(api_call, api_key):
    _key, secret = api_key
    data = {"external_id": "1", "email": "a@example.com", "first_name": "A"}
    first = api_call("POST", PATH, data, key=secret, HTTP_IDEMPOTENCY_KEY="abc-1")
    customer = Customer.objects.get()
    # Staff change the customer in between: a retry must not write the shop's old values back.
    customer.first_name = "Staff"
    customer.save()
    retry = api_call("POST", PATH, data, key=secret, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert retry.status_code == first.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    customer.refresh_from_db()
    assert customer.first_name == "Staff"
    assert customer.history.count() == 2


def test_the_same_idempotency_key_with_another_body_gets_422(api_call, api_key):
    _key, secret = api_key
    api_call(
        "POST", PATH, {"external_id": "1", "email": "a@example.com"}, key=secret, HTTP_IDEMPOTENCY_KEY="k"
    )
    other = api_call(
        "POST", PATH, {"external_id": "2", "email": "b@example.com"}, key=secret, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422
    assert Customer.objects.count() == 1


def test_idempotency_keys_belong_to_their_api_key(api_call, api_key):
    from tests.api.conftest import make_key

    _key, secret = api_key
    _other, other_secret = make_key(name="Other")
    api_call(
        "POST", PATH, {"external_id": "1", "email": "a@example.com"}, key=secret, HTTP_IDEMPOTENCY_KEY="k"
    )
    second = api_call(
        "POST",
        PATH,
        {"external_id": "2", "email": "b@example.com"},
        key=other_secret,
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert second.status_code == 201
    assert Customer.objects.count() == 2


def test_an_idempotency_key_is_kept_24_hours(api_call, api_key):
    from datetime import timedelta

    from django.utils import timezone

    from api.models import IdempotentAnswer

    _key, secret = api_key
    api_call(
        "POST", PATH, {"external_id": "1", "email": "a@example.com"}, key=secret, HTTP_IDEMPOTENCY_KEY="k"
    )
    IdempotentAnswer.objects.update(created_at=timezone.now() - timedelta(hours=25))
    later = api_call(
        "POST", PATH, {"external_id": "2", "email": "b@example.com"}, key=secret, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert later.status_code == 201
    assert Customer.objects.count() == 2
    assert IdempotentAnswer.objects.count() == 1


def test_expired_answers_of_every_key_go_and_live_ones_stay(api_call, api_key):
    """A key no longer used leaves no answers behind: any write with a key deletes the expired ones."""
    from datetime import timedelta

    from django.utils import timezone

    from api.models import IdempotentAnswer
    from tests.api.conftest import make_key

    _key, secret = api_key
    _unused, unused_secret = make_key(name="Old shop")
    for n, key in enumerate(("old", "recent")):
        api_call(
            "POST",
            PATH,
            {"external_id": f"o{n}", "email": f"o{n}@example.com"},
            key=unused_secret,
            HTTP_IDEMPOTENCY_KEY=key,
        )
    IdempotentAnswer.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    # A write without a key keeps no answer and deletes none.
    api_call("POST", PATH, {"external_id": "n", "email": "n@example.com"}, key=secret)
    assert set(IdempotentAnswer.objects.values_list("key", flat=True)) == {"old", "recent"}

    api_call(
        "POST", PATH, {"external_id": "1", "email": "a@example.com"}, key=secret, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert sorted(IdempotentAnswer.objects.values_list("api_key__name", "key")) == [
        ("Old shop", "recent"),
        ("Shop", "k"),
    ]


def test_revoking_a_key_deletes_its_answers(api_call, api_key):
    from api.models import IdempotentAnswer
    from tests.api.conftest import make_key

    key, secret = api_key
    _other, other_secret = make_key(name="Other")
    for n, token in enumerate((secret, other_secret)):
        api_call(
            "POST",
            PATH,
            {"external_id": str(n), "email": f"{n}@example.com"},
            key=token,
            HTTP_IDEMPOTENCY_KEY="k",
        )
    assert key.revoke() is True
    assert list(IdempotentAnswer.objects.values_list("api_key__name", flat=True)) == ["Other"]
    retry = api_call(
        "POST", PATH, {"external_id": "0", "email": "0@example.com"}, key=secret, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert retry.status_code == 401
