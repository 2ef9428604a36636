"""A fixed-window rate limit on the public request form, kept in Django's cache.

Counting is atomic on every cache Django supports for production (Redis, Memcached,
database): ``cache.add`` creates the window's counter only if it is missing, then
``cache.incr`` increments it. Keys are hashes, so neither client addresses nor email
addresses are written to the cache in clear.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def window_index(window_seconds: int) -> int:
    """Return the number of the current window; each window has its own counters."""
    return int(time.time() // window_seconds)


def _key(scope: str, value: str, window_seconds: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{value}".encode()).hexdigest()[:32]
    return f"requests:rl:{scope}:{digest}:{window_index(window_seconds)}"


def hit(scope: str, value: str) -> bool:
    """Count one attempt for ``value`` in ``scope``; return False when over the limit."""
    window = settings.REQUEST_RATE_WINDOW_SECONDS
    key = _key(scope, value, window)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add and incr: this attempt opens a new window.
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= settings.REQUEST_RATE_LIMIT


def allow(client_address: str, email_normalized: str) -> bool:
    """Count one submission by client address and by email; both must stay within the limit."""
    by_address = hit("addr", client_address or "unknown")
    by_email = hit("email", email_normalized) if email_normalized else True
    return by_address and by_email
