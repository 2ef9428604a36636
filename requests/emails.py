"""Render and send the request emails, each in the language it is addressed to.

Subject and body are templates under ``requests/templates/requests/email/``:
``<name>_subject.txt`` and ``<name>.txt`` (plain text; an optional ``<name>.html`` is
attached as an alternative). Customer emails are always rendered in the customer's
language (``Request.language``); every email tied to a request is stored as a
``RequestMessage`` and an event, so the correspondence is complete (GDPR Art. 5(2)).
"""

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from register import outbox
from requests import notice
from requests.models import Request, RequestEvent, RequestMessage

# Replies staff can send from the admin; the key is the template name.
REPLY_TEMPLATES = {
    "acknowledgement": _("Acknowledgement of receipt"),
    "identity_request": _("Request for identity information (Art. 12(6))"),
    "completion": _("Request completed"),
    "rejection": _("Rejection with reasons (Art. 12(4))"),
    "extension": _("Extension of the deadline (Art. 12(3))"),
}

# Every email's name as staff read it in the correspondence (RequestMessage.template holds the key).
EMAIL_NAMES = {
    **REPLY_TEMPLATES,
    "verification": _("Confirmation link"),
    "report_link": _("Link to the access report"),
    "erasure_outcome": _("Outcome of the erasure"),
    "no_data_held": _("No data held"),
    "objection_confirmation": _("Objection recorded"),
    "withdrawal_confirmation": _("Consent withdrawal recorded"),
    "rectification_done": _("Outcome of the rectification"),
    "restriction_lift": _("Restriction to be lifted (Art. 18(3))"),
    "recipient_notification": _("Notice to a recipient (Art. 19)"),
    "recipients_list": _("List of recipients (Art. 19)"),
    "reminder": _("Deadline reminder"),
}


def email_name(template: str) -> str:
    """The name of email ``template`` in the active language; a blank key is a message typed in."""
    return str(EMAIL_NAMES.get(template, template)) if template else ""


def render_email(name: str, language: str, context: dict) -> tuple[str, str, str | None]:
    """Return ``(subject, text, html or None)`` of template ``name`` rendered in ``language``."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, "language": language, **context}
        subject = render_to_string(f"requests/email/{name}_subject.txt", context)
        subject = " ".join(subject.split())
        text = render_to_string(f"requests/email/{name}.txt", context).strip() + "\n"
        try:
            html = render_to_string(f"requests/email/{name}.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, text, html


def send_email(
    name: str,
    *,
    to: list[str],
    language: str,
    context: dict,
    request: Request | None = None,
    sent_by=None,
    about=None,
) -> RequestMessage | None:
    """Render template ``name`` in ``language``, queue it for ``to``, and store it on ``request``.

    The email goes out after the current transaction commits, through the outgoing-message queue
    (``register.outbox``), which retries until the mail server takes it; a rollback sends nothing.
    ``about`` names what an email belongs to when it is not stored as a request's correspondence
    (a verification link, an erasure outcome, an Art. 19 notice), so it can be found in the queue.
    """
    subject, text, html = render_email(name, language, context)
    outbox.queue_email(
        to=to,
        subject=subject,
        body=text,
        html=html,
        reference=outbox.reference_for(about or request) if (about or request) is not None else "",
        language=language,
    )
    if request is None:
        return None
    message = RequestMessage.objects.create(
        request=request,
        direction=RequestMessage.Direction.OUTGOING,
        template=name,
        recipient=", ".join(to),
        subject=subject,
        body=text,
        language=language,
        sent_by=sent_by,
    )
    request.log(RequestEvent.Kind.MESSAGE_SENT, by=sent_by, detail=subject)
    return message


def send_verification(request: Request) -> None:
    """Issue a fresh single-use link and email it to the address the request came from.

    The email is not stored as correspondence: it carries the token, and only the token's
    hash may be kept.
    """
    token = request.issue_verification_token()
    with translation.override(request.language):
        link = settings.SITE_URL + reverse("requests:verify", args=[token])
        kind = str(request.get_kind_display())
    send_email(
        "verification",
        to=[request.email],
        language=request.language,
        context={
            "link": link,
            "kind": kind,
            "hours": settings.REQUEST_VERIFICATION_HOURS,
            "controller": notice.controller(),
        },
        about=request,
    )


def request_context(request: Request, extra: dict | None = None) -> dict:
    """Return what every customer email about ``request`` may mention."""
    return {
        "req": request,
        "number": request.number,
        "kind": request.get_kind_display(),
        "due_date": request.effective_due_date,
        "authority": notice.supervisory_authority(request.language),
        "controller": notice.controller(),
        **(extra or {}),
    }


def send_request_email(
    request: Request, name: str, *, sent_by=None, extra: dict | None = None
) -> RequestMessage:
    """Send template ``name`` about ``request`` to the customer, in the customer's language."""
    with translation.override(request.language):
        context = request_context(request, extra)
    return send_email(
        name,
        to=[request.email],
        language=request.language,
        context=context,
        request=request,
        sent_by=sent_by,
    )
