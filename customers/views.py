from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from customers.models import ConsentEvent, ConsentPurpose, Customer
from customers.unsubscribe import read_unsubscribe_token

TEMPLATE = "customers/unsubscribe.html"
ONE_CLICK_BODY = ("List-Unsubscribe", "One-Click")


def _is_one_click(request: HttpRequest) -> bool:
    name, value = ONE_CLICK_BODY
    return request.method == "POST" and request.POST.get(name) == value


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    """Run Django's CSRF check by hand; return its failure response, or None when it passes."""
    return CsrfViewMiddleware(lambda req: HttpResponse()).process_view(request, None, (), {})


# RFC 8058: a mail client posts "List-Unsubscribe=One-Click" to the link without a session or a
# CSRF token, so the view is exempt from the middleware and checks CSRF itself for every other
# POST. The signed token is what protects the one-click case: only the recipient of the message
# has it, and it can only withdraw consent (GDPR Art. 7(3): as easy as giving it).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Show the unsubscribe confirmation (GET) and record the withdrawal (POST)."""
    try:
        customer_pk, code = read_unsubscribe_token(token)
        purpose = ConsentPurpose.objects.get(code=code)
    except (signing.BadSignature, ConsentPurpose.DoesNotExist):
        return render(request, TEMPLATE, {"state": "invalid"}, status=400)

    if request.method == "POST" and not _is_one_click(request):
        failure = _csrf_failure(request)
        if failure is not None:
            return failure

    customer = Customer.objects.filter(pk=customer_pk).first()
    context = {"purpose": purpose, "purpose_name": purpose.localized_name()}
    if customer is None:
        # Nothing is kept about this person any more, so nothing can be sent to them either.
        return render(request, TEMPLATE, {**context, "state": "already"})

    if request.method == "GET":
        latest = customer.latest_consent_event(purpose)
        withdrawn = latest is not None and latest.action == ConsentEvent.Action.WITHDRAWN
        return render(request, TEMPLATE, {**context, "state": "already" if withdrawn else "confirm"})

    with transaction.atomic():
        # Lock the customer row so two quick clicks cannot record two withdrawals.
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        latest = customer.latest_consent_event(purpose)
        if latest is not None and latest.action == ConsentEvent.Action.WITHDRAWN:
            return render(request, TEMPLATE, {**context, "state": "already"})
        customer.withdraw_consent(
            purpose,
            via=ConsentEvent.Via.UNSUBSCRIBE,
            evidence="one-click (RFC 8058)" if _is_one_click(request) else "unsubscribe page",
        )
    return render(request, TEMPLATE, {**context, "state": "done"})
