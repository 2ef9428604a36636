"""Request facts and response headers that every page shares.

``client_address`` is the one answer to "who is asking": the public form's rate limit and the
staff login lockout both count by it. ``PermissionsPolicyMiddleware`` switches off browser
features the site never uses (docs/operations.md, "Security model"). ``SessionMiddleware`` keeps
a session alive while it is used (the staff idle limit).
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# A session that is in use is written back (its idle limit moved on) at most this often.
SESSION_RENEW_SECONDS = 60
# When the session's idle limit was last moved on, in seconds since the epoch.
RENEWED_KEY = "_renewed_at"


def client_address(request: HttpRequest) -> str:
    """Return the address of the client that sent ``request``.

    With settings.USE_X_FORWARDED_FOR the rightmost X-Forwarded-For entry is used: the one
    our own proxy appended. Entries further left come from the client and can be forged.
    """
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """Format ``{"camera": [], "fullscreen": ["self"]}`` as a Permissions-Policy header value."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Add settings.PERMISSIONS_POLICY as the Permissions-Policy header of every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware; a session a request reads is renewed at most once a minute.

    A staff session ends ``STAFF_IDLE_MINUTES`` after its last renewal. Writing it back on every
    request (Django's ``SESSION_SAVE_EVERY_REQUEST``) costs three statements per admin page; renewing
    it when a minute has passed ends an idle session at most a minute early, never late. Every admin
    page reads the session (who is signed in); a public page that never reads it leaves it as it is.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = timezone.now().timestamp()
            renewed = session.get(RENEWED_KEY, 0)
            if not isinstance(renewed, int | float) or not 0 <= now - renewed < SESSION_RENEW_SECONDS:
                session[RENEWED_KEY] = now
        return super().process_response(request, response)
