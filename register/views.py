import functools
import hashlib
from pathlib import Path

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from register.models import NoticeVersion
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


def _notice_context(current: tuple | None, version: int, language: str) -> dict | None:
    """What the notice page shows for ``version`` in ``language``, read once per version, language and
    current version, then kept in the cache (a published version never changes; a new one changes
    ``current`` and with it the key). Only the language's stored HTML and the notice's name are read,
    never the whole snapshot."""
    # The current version's number and publication time name the set of versions.
    number, published = current or (0, None)
    key = f"privacy-notice:{number}:{published.timestamp() if published else 0}:{version}:{language}"
    cached = cache.get(key)
    if cached is not None:
        return cached
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
    context = {
        "title": title,
        "title_language": notice_language if title else language,
        "version": {"number": row["number"], "published_at": row["published_at"]},
        "is_current": row["number"] == number,
        "content": content.get(notice_language, ""),
        "notice_language": notice_language,
        "others": list(
            NoticeVersion.objects.exclude(pk=row["pk"]).order_by("-number").values("number", "published_at")
        ),
    }
    # The page names the shop as the version shown names it: an earlier version stays as published.
    controllers = row["snapshot__controllers"] if isinstance(row["snapshot__controllers"], list) else []
    if controllers and isinstance(controllers[0], dict):
        context["shop_name"] = controllers[0].get("name", "")
    cache.set(key, context, timeout=None)
    return context


@functools.cache
def _templates_release() -> str:
    """A digest of the page's templates: a deployment that changes them changes every ETag."""
    digest = hashlib.sha256()
    for name in ("register/privacy_notice.html", "base.html"):
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:16]


def _etag(request: HttpRequest, current: int | None, version: int | None) -> str:
    """The page's validator: the versions shown, the language and the visitor's CSRF cookie (the
    page's language form carries a token made from it), with the code's release."""
    parts = [
        str(current),
        str(version),
        translation.get_language(),
        # The CSRF secret the page's token is made from: the visitor's cookie, or the one this
        # response sets (CsrfViewMiddleware keeps it in META).
        request.META.get("CSRF_COOKIE", ""),
        _templates_release(),
    ]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


@require_GET
def privacy_notice(request: HttpRequest, version: int | None = None) -> HttpResponse:
    """Show the current notice, or an earlier version exactly as it was published.

    The page is built from the version's stored rendering, cached per version and language; it
    answers with an ``ETag`` and ``Last-Modified`` so a repeat visit gets 304 Not Modified.
    """
    current = NoticeVersion.objects.order_by("-number").values_list("number", "published_at").first()
    number = current[0] if current is not None and version is None else version
    if number is None:
        return render(request, "register/no_notice.html", {"requested_version": version}, status=404)
    etag = _etag(request, current[0] if current else None, number)
    language = translation.get_language()
    context = _notice_context(current, number, language)
    if context is None:
        return render(request, "register/no_notice.html", {"requested_version": version}, status=404)
    last_modified = max(current[1], context["version"]["published_at"])
    if request.headers.get("If-None-Match") is not None:
        fresh = etag in [tag.strip() for tag in request.headers["If-None-Match"].split(",")]
    else:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        fresh = since is not None and int(last_modified.timestamp()) <= since
    if fresh:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        # No Content-Security-Policy on a 304: its headers would replace the stored ones, and the
        # stored page's inline style carries the nonce of the stored policy.
        response._csp_exempt = True
        patch_cache_control(response, private=True, no_cache=True)
        return response
    notice_language = context["notice_language"]
    response = render(
        request,
        "register/privacy_notice.html",
        {
            **context,
            "title": context["title"] or translation.gettext("Privacy notice"),
            # The stored HTML was rendered by our own template from escaped register data at
            # publication; it is shown as stored so the page proves what customers were told.
            "content": SafeString(context["content"]),  # noqa: S308
            "shown_in_original": (
                SHOWN_IN_ORIGINAL_LANGUAGE.get(notice_language) if notice_language != language else None
            ),
        },
    )
    response["ETag"] = _etag(request, current[0] if current else None, number)
    response["Last-Modified"] = http_date(last_modified.timestamp())
    # Revalidate on every visit (a new version must show at once); the 304 makes that cheap.
    patch_cache_control(response, private=True, no_cache=True)
    return response
