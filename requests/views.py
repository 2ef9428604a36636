"""Public pages: the rights explained, the request form, and the email verification link.

No enumeration: the form's answer never depends on whether the address is in the
register. Intake does no customer lookup at all; matching happens only after the
address has been verified.
"""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from register.models import shop_name
from register.security import client_address
from register.stored_pages import StoredPage, cached, release, store
from requests import notice, ratelimit
from requests.emails import send_request_email
from requests.forms import ERASURE_EXPLAINED, PublicRequestForm, email_rate_key, withdrawal_purpose_choices
from requests.identity import published_rule
from requests.intake import receive_request
from requests.models import Request, TransitionError

# Plain-language explanation of each right, shown on the rights page and above the form.
RIGHTS = [
    (
        Request.Kind.ACCESS,
        _(
            "You may ask whether we process personal data about you and get a copy of it, "
            "with what we use it for, where it came from, who receives it and how long we keep it "
            "(GDPR Art. 15)."
        ),
    ),
    (
        Request.Kind.RECTIFICATION,
        _("You may ask us to correct wrong data about you or to complete incomplete data (Art. 16)."),
    ),
    (
        Request.Kind.ERASURE,
        _(
            "You may ask us to delete your data. Data that the law obliges us to keep, such as "
            "bookkeeping records, is kept until the legal period ends, and we tell you which (Art. 17)."
        ),
    ),
    (
        Request.Kind.RESTRICTION,
        _(
            "You may ask us to only store your data and not otherwise use it, for example while "
            "the correctness of the data is checked (Art. 18)."
        ),
    ),
    (
        Request.Kind.OBJECTION,
        _("You may at any time object to direct marketing; we then stop it (Art. 21)."),
    ),
    (
        Request.Kind.PORTABILITY,
        _("You may get the data you gave us in a machine-readable format, to move it elsewhere (Art. 20)."),
    ),
    (
        Request.Kind.WITHDRAWAL,
        _("You may withdraw a consent you have given, as easily as you gave it (Art. 7(3))."),
    ),
]


# Longer input is cut before it is normalised for the rate limit (the form refuses it anyway).
RATE_KEY_INPUT_LENGTH = 1000


def _no_store(response: HttpResponse) -> HttpResponse:
    # Pages about a verification link are never cached. The site-wide "same-origin"
    # referrer policy already keeps the link from other sites; "no-referrer" here would make
    # browsers send "Origin: null" with the confirm POST, which CSRF protection refuses.
    response["Cache-Control"] = "no-store"
    # Django logs every 4xx response with its path, and the path holds the token: mark the
    # response as already logged so the token never reaches the logs.
    response._has_been_logged = True
    return response


@require_GET
def rights(request: HttpRequest) -> HttpResponse:
    """Explain each right in plain words and link to the request form."""
    context = {
        "rights": [(Request.Kind(kind).label, text, published_rule(kind)) for kind, text in RIGHTS],
        "controller": notice.controller(),
        "authority": notice.supervisory_authority(),
        "hours": settings.REQUEST_VERIFICATION_HOURS,
        "notice_published": notice.notice_published(),
    }
    return render(request, "requests/rights.html", context)


def _form_context(form: PublicRequestForm) -> dict:
    return {"form": form, "rights": RIGHTS, "erasure_explained": ERASURE_EXPLAINED}


def _blank_form(request: HttpRequest) -> HttpResponse:
    """The empty form, rendered once per language, chosen kind, consent purposes and shop name.

    The consent purposes and the shop's name come from their caches (each forgotten when they change)
    and the rendering from the cache of pages, with this visitor's CSRF token and nonce filled in
    (register.stored_pages): a warm view reads nothing from the database.
    """
    kind = request.GET.get("kind", "")
    # Only a kind of request preselects one; anything else is the form with none chosen.
    if kind not in Request.Kind.values:
        kind = ""
    purposes = withdrawal_purpose_choices(cached=True)
    shop = shop_name()
    facts = repr((release(), translation.get_language(), kind, purposes, shop))
    key = "request-form:" + hashlib.sha256(facts.encode()).hexdigest()

    def build() -> StoredPage:
        form = PublicRequestForm(initial={"kind": kind}, purposes=purposes)
        return store("requests/new.html", {**_form_context(form), "shop_name": shop})

    return cached(key, build).respond(request)


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Take a request; answer identically whether or not the address is in the register."""
    if request.method == "GET":
        return _blank_form(request)

    # Count the address mail would go to, however it is typed (case, invisible characters, IDNA).
    email_key = email_rate_key(str(request.POST.get("email", ""))[:RATE_KEY_INPUT_LENGTH])
    if not ratelimit.allow(client_address(request), email_key):
        return render(request, "requests/rate_limited.html", status=429)

    form = PublicRequestForm(request.POST)
    if form.is_bot():
        # Look like success to the bot; store and send nothing.
        return HttpResponseRedirect(_sent_url(form.data.get("kind", "")))
    if not form.is_valid():
        return render(request, "requests/new.html", _form_context(form), status=200)

    language = translation.get_language()
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    data = form.cleaned_data
    receive_request(
        kind=data["kind"],
        received_via=Request.Channel.WEB_FORM,
        language=language,
        email=data["email"],
        name=data["name"],
        customer_number=data["customer_number"],
        order_number=data["order_number"],
        message=data["message"],
        rectification_wrong=data["rectification_wrong"],
        withdrawal_purposes=data["withdrawal_purposes"],
        erasure_choice=data["erasure_choice"],
        proposals=form.proposals(),
        email_verification_link=True,
    )
    return HttpResponseRedirect(_sent_url(data["kind"]))


def _sent_url(kind: str) -> str:
    # The kind of request only (never the address): the page says what identity evidence it needs.
    url = reverse("requests:sent")
    return f"{url}?kind={kind}" if kind in Request.Kind.values else url


def _identity_needed(kind: str) -> dict | None:
    """The identity rule of the right when the email link alone does not satisfy it, for the customer."""
    rule = published_rule(kind) if kind in Request.Kind.values else None
    if rule is None or Request.VerificationMethod.EMAIL_LINK in rule["evidence"]:
        return None
    return rule


@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """Tell the submitter to check their email (the same page for every address), and what else to send."""
    context = {
        "hours": settings.REQUEST_VERIFICATION_HOURS,
        "identity": _identity_needed(request.GET.get("kind", "")),
    }
    return render(request, "requests/sent.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Show a confirm button (GET); only POST verifies, since mail scanners follow links."""
    now = timezone.now()
    req = Request.objects.for_token(token).first() if len(token) <= 100 else None
    if req is None:
        return _no_store(render(request, "requests/link_invalid.html", {"state": "invalid"}, status=400))
    state = req.token_state(now)
    if state != "valid":
        return _no_store(render(request, "requests/link_invalid.html", {"state": state}, status=410))
    if request.method == "GET":
        return _no_store(render(request, "requests/verify_confirm.html", {"kind": req.get_kind_display()}))
    try:
        req.verify_by_link(token, now=now)
    except TransitionError:
        return _no_store(render(request, "requests/link_invalid.html", {"state": "used"}, status=410))
    if req.email:
        send_request_email(req, "acknowledgement")
    return HttpResponseRedirect(_verified_url(req))


def _verified_url(req: Request) -> str:
    url = reverse("requests:verified")
    return f"{url}?kind={req.kind}" if req.awaiting_identity else url


@require_GET
def verified(request: HttpRequest) -> HttpResponse:
    return render(
        request, "requests/verified.html", {"identity": _identity_needed(request.GET.get("kind", ""))}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    """Show the download page (GET); POST streams the report and logs the download.

    Only POST downloads, so mail scanners that follow links neither fetch the data nor add
    false entries to the download log.
    """
    from django.http import FileResponse

    from requests.reports import report_for_token

    found, state = report_for_token(token) if len(token) <= 200 else (None, "invalid")
    if state != "valid":
        status = 404 if state == "invalid" else 410
        return _no_store(render(request, "requests/report/unavailable.html", {"state": state}, status=status))
    if request.method == "GET":
        context = {"report": found, "expires_at": timezone.localtime(found.expires_at)}
        return _no_store(render(request, "requests/report/download.html", context))
    found.log_download(by_customer=True)
    response = FileResponse(found.path.open("rb"), as_attachment=True, filename=found.filename)
    response["Content-Type"] = "application/zip"
    return _no_store(response)
