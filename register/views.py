import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from register.models import NoticeVersion, shop_name
from register.stored_pages import (
    StoredPage,
    cache_is_shared,
    cached,
    notice_generation,
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


def _current_notice() -> tuple[int, datetime] | None:
    return NoticeVersion.objects.order_by("-number").values_list("number", "published_at").first()


def _notice_page(version: int | None, language: str) -> NoticePage | None:
    """The page of ``version`` (the current one if None) in ``language``, rendered once and kept in the
    cache; None when there is no such version.

    With a cache that every process shares, the page is found under the notice's generation
    (``register.stored_pages.notice_generation``), which each publication renews: a warm page
    reads nothing from the database. With a cache of this process alone, one indexed query reads the
    current version first and the page is found under it, so a publication in another process shows
    at once here too.
    """
    shown = "current" if version is None else version
    current = None
    if cache_is_shared():
        key = f"privacy-page:{release()}:{notice_generation()}:{shown}:{language}"
    else:
        current = _current_notice()
        number, published = current or (0, None)
        stamp = published.timestamp() if published else 0
        key = f"privacy-page:{release()}:{number}:{stamp}:{shown}:{language}"

    def build() -> NoticePage | None:
        now = current or _current_notice()
        if now is None:
            return None
        return _build_notice_page(now, now[0] if version is None else version, language)

    return cached(key, build)


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
    return NoticePage(
        current=current[0],
        number=row["number"],
        last_modified=max(current[1], row["published_at"]),
        page=store("register/privacy_notice.html", context),
    )


def _etag(request: HttpRequest, current: int, version: int) -> str:
    """The page's validator: the versions shown, the language and the visitor's CSRF cookie (the
    page's language form carries a token made from it), with the code's release."""
    parts = [
        str(current),
        str(version),
        translation.get_language(),
        # The CSRF secret the page's token is made from: the visitor's cookie, or the one this
        # response sets (CsrfViewMiddleware keeps it in META).
        request.META.get("CSRF_COOKIE", ""),
        release(),
    ]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


@require_GET
def privacy_notice(request: HttpRequest, version: int | None = None) -> HttpResponse:
    """Show the current notice, or an earlier version exactly as it was published.

    The page is rendered once per version and language from the version's stored rendering and
    kept in the cache (``_notice_page``); each response fills in the visitor's CSRF token and a new
    nonce. It answers with an ``ETag`` and ``Last-Modified`` so a repeat visit gets 304 Not Modified.
    """
    found = _notice_page(version, translation.get_language())
    if found is None:
        return render(request, "register/no_notice.html", {"requested_version": version}, status=404)
    etag = _etag(request, found.current, found.number)
    if request.headers.get("If-None-Match") is not None:
        fresh = etag in [tag.strip() for tag in request.headers["If-None-Match"].split(",")]
    else:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        fresh = since is not None and int(found.last_modified.timestamp()) <= since
    if fresh:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        # No Content-Security-Policy on a 304: its headers would replace the stored ones, and the
        # stored page's inline style carries the nonce of the stored policy.
        response._csp_exempt = True
        patch_cache_control(response, private=True, no_cache=True)
        return response
    response = found.page.respond(request)
    # The token filled in may have set the visitor's first CSRF cookie, which the ETag names.
    response["ETag"] = _etag(request, found.current, found.number)
    response["Last-Modified"] = http_date(found.last_modified.timestamp())
    # Revalidate on every visit (a new version must show at once); the 304 makes that cheap.
    patch_cache_control(response, private=True, no_cache=True)
    return response
