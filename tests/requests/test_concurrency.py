"""Two staff members acting on the same request at the same moment: one wins, the other is refused.

Each action runs in its own thread with its own database connection, both having read the request
before either acts, as two browsers would. Only PostgreSQL has row locks to prove this with; SQLite
serialises every write and is skipped.
"""

import threading

import pytest
from django.db import connection, connections

from register.models import OutboxMessage
from register.outbox import reference_for
from requests.erasure import erase_for_request
from requests.models import ErasureRecord, Request, RequestEvent, RequestMessage, TransitionError
from requests.rectification import apply_rectification
from tests.conftest import make_staff
from tests.factories import make_complete_register, make_customer, make_matched_request

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER_MAIL = ("rejection", "rectification_done", "erasure_outcome")


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are proved on PostgreSQL; SQLite serialises all writes")


def race(*actions) -> list:
    """Run each ``action(request)`` in its own thread and connection, after all have read the request.

    Returns what each raised (a ``TransitionError``) or None, in order.
    """
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index: int, action) -> None:
        try:
            request = Request.objects.get(pk=race.pk)  # what this staff member's page showed
            barrier.wait(timeout=10)
            action(request)
        except TransitionError as exc:
            outcomes[index] = exc
        except Exception as exc:  # noqa: BLE001 (reported below, not swallowed)
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    unexpected = [o for o in outcomes if o is not None and not isinstance(o, TransitionError)]
    assert not unexpected, unexpected
    return outcomes


def rectification_ready_to_complete(by) -> Request:
    customer = make_customer(language="fi")
    request = make_matched_request(
        [customer], kind=Request.Kind.RECTIFICATION, status=Request.Status.IN_PROGRESS, language="fi"
    )
    apply_rectification(request, customer, {"city": "Tampere"}, by=by)
    return request


def customer_mail(request: Request) -> tuple[int, int]:
    """(queued outgoing messages about the request, stored customer emails of the request)."""
    queued = OutboxMessage.objects.filter(reference=reference_for(request)).count()
    stored = RequestMessage.objects.filter(request=request, template__in=CUSTOMER_MAIL).count()
    return queued, stored


def test_complete_and_reject_at_the_same_moment_one_wins_one_email(db):
    first, second = make_staff("first", None), make_staff("second", None)
    request = rectification_ready_to_complete(first)
    race.pk = request.pk

    outcomes = race(
        lambda r: r.complete(by=first),
        lambda r: r.reject(by=second, reason="other", justification="Not ours to correct."),
    )

    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1, outcomes
    request.refresh_from_db()
    assert request.status in (Request.Status.COMPLETED, Request.Status.REJECTED)
    expected = {
        Request.Status.COMPLETED: "This request was completed by someone else a moment ago.",
        Request.Status.REJECTED: "This request was rejected by someone else a moment ago.",
    }[request.status]
    assert refused[0].messages == [expected]
    closing = request.events.filter(kind__in=[RequestEvent.Kind.COMPLETED, RequestEvent.Kind.REJECTED])
    assert closing.count() == 1
    assert customer_mail(request) == (1, 1)
    # The loser's fields were not written over the winner's.
    if request.status == Request.Status.COMPLETED:
        assert request.rejection_reason == "" and request.completed_at is not None
    else:
        assert request.completed_at is None and request.rejection_justification == "Not ours to correct."


def test_two_rejections_at_the_same_moment_send_one_email(db):
    first, second = make_staff("first", None), make_staff("second", None)
    request = rectification_ready_to_complete(first)
    race.pk = request.pk

    outcomes = race(
        lambda r: r.reject(by=first, reason="other", justification="First reason."),
        lambda r: r.reject(by=second, reason="excessive", justification="Second reason."),
    )

    assert len([o for o in outcomes if o is not None]) == 1
    assert request.events.filter(kind=RequestEvent.Kind.REJECTED).count() == 1
    assert customer_mail(request) == (1, 1)


@pytest.mark.parametrize("choice", ["delete", "anonymise"])
def test_two_erasures_at_the_same_moment_erase_once_and_tell_once(db, choice):
    make_complete_register()
    first, second = make_staff("first", None), make_staff("second", None)
    customer = make_customer()
    request = make_matched_request(
        [customer], kind=Request.Kind.ERASURE, status=Request.Status.IN_PROGRESS, erasure_choice=choice
    )
    race.pk = request.pk

    outcomes = race(lambda r: erase_for_request(r, by=first), lambda r: erase_for_request(r, by=second))

    assert len([o for o in outcomes if o is not None]) == 1
    assert ErasureRecord.objects.filter(request=request).count() == 1
    assert customer_mail(request) == (1, 1)
