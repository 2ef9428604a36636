"""No log line carries a link token.

Verification, report-download and unsubscribe links carry a token in their path, and the token
alone opens what it stands for. Django logs paths: "Not Found", "Method Not Allowed (PUT)",
"Forbidden (CSRF cookie not set.)", "Internal Server Error" with a traceback, and under runserver
every request line. ``MaskTokens`` replaces the token segment of every tokenised path in a log
record, and any other place the same token appears in it (the exception text), with "[token]".

Which paths are tokenised is read from the URLconf: every URL pattern with a ``token`` parameter
(``<str:token>``), under any language prefix or none, so a new tokenised link is covered without
being listed here. settings.LOGGING puts the filter on the loggers that log paths, on the root
logger and on the console handler.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import unquote

TOKEN_PARAMETER = "token"  # noqa: S105 (a URL parameter name)
MASK = "[token]"
# What a token segment may be made of, in a decoded path or in a raw request line.
TOKEN_CHARS = r"[^/\s\"'<>?#]+"  # noqa: S105 (a regex)
# Shorter strings are masked only where they stand in a tokenised path, never elsewhere in a record.
MIN_TOKEN_LENGTH = 8

_lock = threading.Lock()
_patterns: dict[str, list[re.Pattern[str]]] = {}


def _route_regex(pattern) -> str:
    """The regex of one URLconf pattern without anchors; a language prefix becomes optional."""
    from django.urls.resolvers import LocalePrefixPattern

    if isinstance(pattern, LocalePrefixPattern):
        return r"(?:[^/\s]*/)?"
    return pattern.regex.pattern.removeprefix("^").removesuffix("$").removesuffix(r"\Z")


def _token_prefixes(patterns, prefix: str = "") -> list[str]:
    """Regexes of the path up to the token, for every URL pattern taking a ``token`` parameter."""
    from django.urls import URLPattern, URLResolver
    from django.urls.resolvers import RoutePattern

    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += _token_prefixes(entry.url_patterns, prefix + _route_regex(entry.pattern))
        elif isinstance(entry, URLPattern) and TOKEN_PARAMETER in entry.pattern.regex.groupindex:
            if isinstance(entry.pattern, RoutePattern):
                route = str(entry.pattern)
                before = route[: re.search(rf"<(?:\w+:)?{TOKEN_PARAMETER}>", route).start()]
                head = _route_regex(RoutePattern(before, is_endpoint=False)) if before else ""
            else:
                regex = entry.pattern.regex.pattern.removeprefix("^")
                head = regex[: regex.index(f"(?P<{TOKEN_PARAMETER}>")]
            found.append(prefix + head)
    return found


def token_patterns() -> list[re.Pattern[str]]:
    """The compiled patterns of the URLconf's tokenised paths; the token is group ``token``."""
    from django.conf import settings
    from django.urls import get_resolver

    key = settings.ROOT_URLCONF
    if key not in _patterns:
        with _lock:
            heads = _token_prefixes(get_resolver().url_patterns)
            _patterns[key] = [
                re.compile(rf"/{head}(?P<{TOKEN_PARAMETER}>{TOKEN_CHARS})", re.IGNORECASE) for head in heads
            ]
    return _patterns[key]


def _mask(text: str, patterns: list[re.Pattern[str]], tokens: set[str]) -> str:
    for pattern in patterns:
        for match in pattern.finditer(text):
            tokens.add(match.group(TOKEN_PARAMETER))
        text = pattern.sub(lambda m: m.group(0)[: m.start(TOKEN_PARAMETER) - m.start(0)] + MASK, text)
    for token in sorted(tokens | {unquote(t) for t in tokens}, key=len, reverse=True):
        if len(token) >= MIN_TOKEN_LENGTH:
            text = text.replace(token, MASK)
    return text


def mask_tokens(text: str, patterns: list[re.Pattern[str]], tokens: set[str]) -> str:
    """``text`` with each tokenised path's token, and each of ``tokens``, replaced by MASK.

    Tokens found are added to ``tokens``. A raw request line may percent-encode the path: when
    its decoded form holds a token the raw form hid, the decoded form is returned, masked.
    """
    masked = _mask(text, patterns, tokens)
    if "%" in masked:
        decoded = unquote(masked)
        if (remasked := _mask(decoded, patterns, tokens)) != decoded:
            masked = remasked
    return masked


class MaskTokens(logging.Filter):
    """Mask link tokens in a record's message and exception text; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            patterns = token_patterns()
        except Exception:  # noqa: BLE001 (the URLconf cannot load yet: no request has been served)
            return True
        tokens: set[str] = set()
        request = getattr(record, "request", None)
        for path in (getattr(request, "path", None), getattr(request, "get_full_path", lambda: None)()):
            if isinstance(path, str):
                mask_tokens(path, patterns, tokens)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        masked = mask_tokens(message, patterns, tokens)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_tokens(record.exc_text, patterns, tokens)
        return True
