"""Identity rules per right (GDPR Art. 12(2), 12(6)): promised by the notice, marked at intake, awaited.

The register states per right which evidence of identity suffices (``register.models.IdentityRule``); the
notice in force carries it. A request is always accepted; when its right needs evidence that the email
link cannot give, it is marked *awaiting identity evidence* (``Request.awaiting_identity``), the customer is
told what to send or where to come, and nothing is fulfilled until staff record evidence of a kind that
suffices (``Request.record_identity_evidence``).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from requests.models import Request, TransitionError

EMAIL_LINK = Request.VerificationMethod.EMAIL_LINK


def published_rule(kind: str, language: str | None = None) -> dict[str, Any] | None:
    """The identity rule of right ``kind`` in the notice in force, in ``language``; None without one.

    ``{"evidence": [kinds], "labels": [...], "note": "..."}``.
    """
    from register.models import NoticeVersion
    from register.translation import localise

    notice = NoticeVersion.objects.current()
    if notice is None:
        return None
    snapshot = notice.snapshot or {}
    for right in snapshot.get("rights", []):
        if right.get("right") == kind and right.get("identity"):
            language = language or translation.get_language() or "en"
            return localise(right["identity"], language[:2], snapshot.get("language"))
    return None


def accepted_for(kind: str) -> list[str]:
    """The evidence kinds that suffice for right ``kind`` under the notice in force (empty: no rule)."""
    rule = published_rule(kind)
    return list(rule["evidence"]) if rule else []


def needs_evidence(accepted: list[str], email: str) -> bool:
    """Whether a request must wait for evidence: a rule exists and the email link cannot satisfy it."""
    return bool(accepted) and not (EMAIL_LINK in accepted and email)


def missing_identity(request: Request) -> str:
    """A sentence for staff when the request still waits for identity evidence; empty otherwise."""
    if not request.awaiting_identity:
        return ""
    labels = [str(Request.VerificationMethod(kind).label) for kind in request.identity_accepted]
    return gettext(
        "Identity evidence is missing: this right needs one of %(kinds)s. Record the evidence first."
    ) % {"kinds": ", ".join(labels)}


def require_identity(request: Request) -> None:
    """Refuse fulfilment while the request waits for identity evidence (GDPR Art. 12(6))."""
    if message := missing_identity(request):
        raise TransitionError(message, code="identity_missing")
