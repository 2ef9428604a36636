"""Who is calling: an API key in ``Authorization: Bearer kr_…``, its scopes, its rate limit.

A missing, unknown or revoked key gets 401 (with ``WWW-Authenticate: Bearer``), a key without the
view's scope 403, a key over its rate 429 with ``Retry-After``. Throttling counts per key in the
default cache (``API_RATE_LIMIT``, e.g. "1200/minute").
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions, throttling

from api.models import KEY_PREFIX, ApiKey

# last_used_at is written at most this often per key, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2 or not header[1].startswith(KEY_PREFIX):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        key = header[1]
        prefix = key.split("_", 2)[:2]
        api_key = ApiKey.objects.filter(prefix="_".join(prefix)).first() if len(prefix) == 2 else None
        if api_key is None or not api_key.matches(key):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        if not api_key.is_active:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return (AnonymousUser(), api_key)

    def authenticate_header(self, request) -> str:
        return self.keyword


class HasScope(permissions.BasePermission):
    """The key holds the view's ``required_scope`` (by method: a dict, or one scope for all)."""

    message = _("This API key lacks the scope this call needs.")

    def has_permission(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            raise exceptions.NotAuthenticated(_("Send an API key: Authorization: Bearer kr_…"))
        scope = view.required_scope
        if isinstance(scope, dict):
            scope = scope.get(request.method)
        return scope is None or api_key.has_scope(scope)


class ApiKeyThrottle(throttling.SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self) -> str:
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view) -> str | None:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": api_key.pk}
