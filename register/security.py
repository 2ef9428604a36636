"""Request facts and response headers that every page shares.

``client_address`` is the one answer to "who is asking": the public form's rate limit and the
staff login lockout both count by it. ``PermissionsPolicyMiddleware`` switches off browser
features the site never uses (docs/operations.md, "Security model").
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
