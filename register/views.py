import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date, parse_http_date_safe
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from register.models import NoticeVersion, shop_name
from register.stored_pages import (
    StoredPage,
    cached,
    notice_state,
    release,
    store,
)
from register.translation import LANGUAGE_CODES

# Shown, in the visitor's language, above a notice in a language the register does not publish: one
# whole sentence per language the notice may be written in.
SHOWN_IN_ORIGINAL_LANGUAGE = {
    "sv": _(
        "This privacy notice is not published in this language. It is shown in Swedish, the language it "
        "was written in."
    ),
    "fi": _(
        "This privacy notice is not published in this language. It is shown in Finnish, the language it "
        "was written in."
    ),
    "nb": _(
        "This privacy notice is not published in this language. It is shown in Norwegian, the language "
        "it was written in."
    ),
    "en": _(
        "This privacy notice is not published in this language. It is shown in English, the language it "
        "was written in."
    ),
}


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer a load balancer's liveness probe."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def root_redirect(request: HttpRequest) -> HttpResponse:
    """Send a visitor at / to the privacy notice in the language their browser asks for."""
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        return HttpResponseRedirect(reverse("register:privacy"))


@dataclass(frozen=True)
class NoticePage:
    """The notice page of one version in one language, as stored, with what its validators need."""

    current: int
    number: int
    last_modified: datetime
    page: StoredPage
    # What the ETag names besides the visitor's CSRF cookie: the versions, the language, the release.
    validator: str
    # Last-Modified, as the header and in whole seconds (If-Modified-Since).
    last_modified_header: str
    last_modified_seconds: int

    def etag(self, request: HttpRequest) -> str:
        """The page's validator for ``request``: the versions shown, the language and the code's
        release, with the visitor's CSRF secret (the page's language form carries a token made from it:
        the visitor's cookie, or the one this response sets, which CsrfViewMiddleware keeps in META)."""
        secret = request.META.get("CSRF_COOKIE", "")
        return '"' + hashlib.sha256((self.validator + secret).encode()).hexdigest()[:32] + '"'


def _current_notice() -> tuple[tuple[int, datetime] | None, str]:
    """The current version's number and publication time (None before the first), with the start of
    the keys its pages are stored under."""
    current = NoticeVersion.objects.order_by("-number").values_list("number", "published_at").first()
    number, published = current or (0, None)
    stamp = published.timestamp() if published else 0
    return current, f"privacy-page:{release()}:{number}:{stamp}"


def _notice_page(version: int | None, language: str) -> NoticePage | None:
    """The page of ``version`` (the current one if None) in ``language``, rendered once and kept in the
    cache; None when there is no such version.

    The page is found under the current version as this process knows it
    (``register.stored_pages.notice_state``: one indexed query every few seconds, at once after a
    publication here), so a warm page reads nothing from the database.
    """
    current, prefix = notice_state(_current_notice)

    def build() -> NoticePage | None:
        if current is None:
            return None
        return _build_notice_page(current, current[0] if version is None else version, language)

    return cached(f"{prefix}:{'current' if version is None else version}:{language}", build)


def _build_notice_page(current: tuple[int, datetime], version: int, language: str) -> NoticePage | None:
    """Render the page of ``version`` from its stored HTML; only the language's HTML and the notice's
    name are read, never the whole snapshot."""
    row = (
        NoticeVersion.objects.filter(number=version)
        .values(
            "pk",
            "number",
            "published_at",
            "content",
            "snapshot__language",
            "snapshot__name",
            "snapshot__controllers",
        )
        .first()
    )
    if row is None:
        return None
    content = row["content"] if isinstance(row["content"], dict) else {}
    original = row["snapshot__language"]
    notice_language = next(
        (code for code in (language, original, *LANGUAGE_CODES) if code and content.get(code)), language
    )
    names = row["snapshot__name"] if isinstance(row["snapshot__name"], dict) else {}
    title = names.get(notice_language) or next((n for n in names.values() if n), "")
    # The page names the shop as the version shown names it: an earlier version stays as published.
    controllers = row["snapshot__controllers"] if isinstance(row["snapshot__controllers"], list) else []
    main = controllers[0] if controllers and isinstance(controllers[0], dict) else None
    context = {
        "title": title or translation.gettext("Privacy notice"),
        "title_language": notice_language if title else language,
        "version": {"number": row["number"], "published_at": row["published_at"]},
        "is_current": row["number"] == current[0],
        # The stored HTML was rendered by our own template from escaped register data at
        # publication; it is shown as stored so the page proves what customers were told.
        "content": SafeString(content.get(notice_language, "")),  # noqa: S308
        "notice_language": notice_language,
        "others": list(
            NoticeVersion.objects.exclude(pk=row["pk"]).order_by("-number").values("number", "published_at")
        ),
        "shop_name": main.get("name", "") if main is not None else shop_name(),
        "shown_in_original": (
            SHOWN_IN_ORIGINAL_LANGUAGE.get(notice_language) if notice_language != language else None
        ),
    }
    last_modified = max(current[1], row["published_at"])
    return NoticePage(
        current=current[0],
        number=row["number"],
        last_modified=last_modified,
        page=store("register/privacy_notice.html", context),
        validator=f"{current[0]}|{row['number']}|{language}|{release()}|",
        last_modified_header=http_date(last_modified.timestamp()),
        last_modified_seconds=int(last_modified.timestamp()),
    )


# Revalidate on every visit (a new version must show as soon as it is published); the 304 makes that
# cheap.
CACHE_CONTROL = "private, no-cache"


@require_GET
def privacy_notice(request: HttpRequest, version: int | None = None) -> HttpResponse:
    """Show the current notice, or an earlier version exactly as it was published.

    The page is rendered once per version and language from the version's stored rendering and
    kept in the cache (``_notice_page``); each response fills in the visitor's CSRF token and a new
    nonce. It answers with an ``ETag`` and ``Last-Modified`` so a repeat visit gets 304 Not Modified.
    Everything but the token, the nonce, the address and the ETag is worked out once per version and
    language.
    """
    found = _notice_page(version, translation.get_language())
    if found is None:
        return render(request, "register/no_notice.html", {"requested_version": version}, status=404)
    secret = request.META.get("CSRF_COOKIE")
    etag = found.etag(request)
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        fresh = etag in [tag.strip() for tag in if_none_match.split(",")]
    elif "HTTP_IF_MODIFIED_SINCE" in request.META:
        since = parse_http_date_safe(request.META["HTTP_IF_MODIFIED_SINCE"])
        fresh = since is not None and found.last_modified_seconds <= since
    else:
        fresh = False
    if fresh:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        # No Content-Security-Policy on a 304: its headers would replace the stored ones, and the
        # stored page's inline style carries the nonce of the stored policy.
        response._csp_exempt = True
        response["Cache-Control"] = CACHE_CONTROL
        return response
    response = found.page.respond(request)
    # The token filled in may have set the visitor's first CSRF cookie, which the ETag names.
    response["ETag"] = etag if request.META.get("CSRF_COOKIE") == secret else found.etag(request)
    response["Last-Modified"] = found.last_modified_header
    response["Cache-Control"] = CACHE_CONTROL
    return response
