"""Public pages rendered once and served many times.

A public page is the same for every visitor apart from a few parts: the CSRF token of its forms, the
nonce of its inline ``<style>`` and ``<script>`` (Content-Security-Policy) and the address the language
buttons return to. ``store()`` renders a template once with a marker in each of those places and
keeps the text around them; ``StoredPage.respond()`` fills in this visitor's values. The CSRF token
stays the visitor's own (made from their cookie, set on this response if they have none) and the
nonce stays new in every response, exactly as when the template is rendered for the request.

Stored pages are kept under keys that name everything they were built from, the code's ``release()``
included, so a deployment never serves a page rendered by the code it replaced; and since a key's
page never changes, each process keeps the pages it serves most in its own memory as well as in the
default cache (``cached``). The notice's pages are found under its current version, which each
process looks up at most once every ``NOTICE_CHECK_SECONDS`` (``notice_state``): a warm page is
served from memory without a query or a cache read.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import django
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.template.loader import render_to_string
from django.utils.html import escape

# The places a page differs per visitor, as the templates name them.
CSRF_TOKEN, CSP_NONCE, PATH = "csrf_token", "csp_nonce", "path"

# Kept a day: long enough to serve nearly every visit from one rendering, short enough that pages of
# old versions and old releases leave a shared cache by themselves.
PAGE_TIMEOUT = 24 * 60 * 60

# Pages each process keeps in its own memory, the oldest dropped first: a few per language is the
# working set of a shop's public pages.
MEMORY_PAGES = 128

# How long each process goes on serving the notice version it knows before it looks in the database
# whether another process has published a newer one (``notice_state``): a publication shows in every
# process within this time, and in the process that published it at once.
NOTICE_CHECK_SECONDS = 2.0

# Where the code a stored page depends on lives: templates, translations and the Python that builds
# the pages' contexts.
_RELEASE_DIRS = ("templates", "locale", "register", "staff", "customers", "requests")
_RELEASE_SUFFIXES = {".html", ".mo", ".py", ".txt"}


class _PathOnlyRequest:
    """What the templates read of ``request`` while a page is stored: the address, as a marker."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def get_full_path(self) -> str:
        return self.marker


# Bytes below this map evenly onto CSRF_ALLOWED_CHARS (248 = 4 × 62): the others are drawn again.
_CSRF_BYTE_LIMIT = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_CSRF_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def csrf_token(request: HttpRequest) -> str:
    """A new masked CSRF token for ``request``, as ``django.middleware.csrf.get_token`` makes it.

    The token is a random mask of ``CSRF_SECRET_LENGTH`` allowed characters followed by the
    visitor's secret with each character shifted by the mask's (Django's BREACH protection: a new
    mask in every response). The mask is drawn from 40 random bytes at a time rather than by 32 calls
    of ``secrets.choice``, which cost a bare view's time again. A visitor without a secret yet gets
    Django's own ``get_token``, which makes one and sets its cookie.
    """
    secret = request.META.get("CSRF_COOKIE")
    try:
        shifts = [_CSRF_INDEX[char] for char in secret] if secret is not None else None
    except KeyError:
        shifts = None
    if shifts is None or len(shifts) != CSRF_SECRET_LENGTH:
        return get_token(request)
    # As get_token: the cookie is used, so CsrfViewMiddleware sends it again to renew its expiry.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [
            byte % len(CSRF_ALLOWED_CHARS) for byte in secrets.token_bytes(40) if byte < _CSRF_BYTE_LIMIT
        ]
    mask = mask[:CSRF_SECRET_LENGTH]
    chars = CSRF_ALLOWED_CHARS
    return "".join(
        [chars[m] for m in mask] + [chars[(s + m) % len(chars)] for s, m in zip(shifts, mask, strict=True)]
    )


@dataclass(frozen=True)
class StoredPage:
    """A rendered page: text, encoded as it is sent, alternating with the names of the per-visitor parts."""

    parts: tuple[bytes | str, ...]

    def fill(self, request: HttpRequest) -> bytes:
        """Return the page for ``request``: its CSRF token, a fresh nonce and its own address."""
        values = {}
        charset = settings.DEFAULT_CHARSET
        for slot in self.parts[1::2]:
            if slot in values:
                continue
            if slot == CSRF_TOKEN:
                # One masked token for every form of the page, as valid as one per form.
                values[slot] = csrf_token(request).encode(charset)
            elif slot == CSP_NONCE:
                values[slot] = str(getattr(request, "csp_nonce", "")).encode(charset)
            elif slot == PATH:
                values[slot] = escape(request.get_full_path()).encode(charset)
        return b"".join([values[part] if index % 2 else part for index, part in enumerate(self.parts)])

    def respond(self, request: HttpRequest, status: int = 200) -> HttpResponse:
        return HttpResponse(self.fill(request), status=status)


def store(template_name: str, context: dict) -> StoredPage:
    """Render ``template_name`` once in the active language, leaving the per-visitor parts open.

    ``context`` must hold what context processors would otherwise add and the template uses (e.g.
    ``shop_name``): the page is rendered without a request.
    """
    marker = secrets.token_hex(8)
    markers = {slot: f"\x00{marker}:{slot}\x00" for slot in (CSRF_TOKEN, CSP_NONCE, PATH)}
    html = render_to_string(
        template_name,
        {
            **context,
            "csrf_token": markers[CSRF_TOKEN],
            "CSP_NONCE": markers[CSP_NONCE],
            "request": _PathOnlyRequest(markers[PATH]),
        },
    )
    charset = settings.DEFAULT_CHARSET
    parts: list[bytes | str] = []
    rest = html
    while True:
        found = [(rest.find(text), slot) for slot, text in markers.items() if text in rest]
        if not found:
            parts.append(rest.encode(charset))
            break
        position, slot = min(found)
        parts += [rest[:position].encode(charset), slot]
        rest = rest[position + len(markers[slot]) :]
    return StoredPage(tuple(parts))


T = TypeVar("T")

_memory: OrderedDict[str, object] = OrderedDict()
_memory_lock = threading.Lock()
# The notice's current version as this process last read it, with when (``notice_state``), and a
# count of the times it was forgotten.
_notice: tuple[float, object] | None = None
_notice_epoch = 0


def cached(key: str, build: Callable[[], T | None]) -> T | None:
    """The value stored under ``key``, built by ``build()`` the first time (None is not stored).

    ``key`` must name everything the value is built from: the value under a key never changes, so
    this process's memory answers first, then the default cache, and only then ``build()``.
    """
    found = _memory.get(key)
    if found is not None:
        return found
    found = cache.get(key)
    if found is None:
        found = build()
        if found is None:
            return None
        cache.set(key, found, timeout=PAGE_TIMEOUT)
    with _memory_lock:
        _memory[key] = found
        while len(_memory) > MEMORY_PAGES:
            _memory.popitem(last=False)
    return found


@receiver(setting_changed)
def _forget_pages(**kwargs) -> None:
    # A page depends on settings (languages, templates, the policy); tests change them.
    with _memory_lock:
        _memory.clear()
    forget_notice()


@functools.cache
def release() -> str:
    """A digest of the code and templates the public pages are built from, and of Django's version.

    Computed once per process; a deployment that changes any of them changes every stored page's key
    (and every ETag built from it).
    """
    digest = hashlib.sha256(django.get_version().encode())
    base = Path(settings.BASE_DIR)
    for folder in _RELEASE_DIRS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in _RELEASE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def notice_state(read: Callable[[], T]) -> T:
    """What ``read()`` says of the published notice (its current version), as this process last found it.

    ``read()`` runs at most once every ``NOTICE_CHECK_SECONDS`` in each process, and again at once
    after this process publishes (``notice_published``), so a warm notice page reads nothing. A
    publication in another process shows here within ``NOTICE_CHECK_SECONDS``, whatever the cache:
    the database is where every process learns of it.
    """
    global _notice
    found = _notice
    now = time.monotonic()
    if found is not None and now - found[0] < NOTICE_CHECK_SECONDS:
        return found[1]
    epoch = _notice_epoch
    value = read()
    with _memory_lock:
        # A publication forgotten while ``read()`` ran may not have been in what it read.
        if epoch == _notice_epoch:
            _notice = (now, value)
    return value


def forget_notice() -> None:
    """Look up the notice's current version again at the next request of this process."""
    global _notice, _notice_epoch
    with _memory_lock:
        _notice = None
        _notice_epoch += 1


def notice_published() -> None:
    """Serve the new version from now on in this process, and again once the publication commits.

    Again after the commit: a request of this process between the two reads the previous version,
    which is all the database holds for it until then. Other processes look within
    ``NOTICE_CHECK_SECONDS`` (``notice_state``).
    """
    forget_notice()
    transaction.on_commit(forget_notice)
