from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from register.models import NoticeVersion

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


@require_GET
def privacy_notice(request: HttpRequest, version: int | None = None) -> HttpResponse:
    """Show the current notice, or an earlier version exactly as it was published."""
    versions = NoticeVersion.objects.only("id", "number", "published_at", "content", "snapshot")
    current = NoticeVersion.objects.current()
    shown = current if version is None else versions.filter(number=version).first()
    if shown is None:
        return render(request, "register/no_notice.html", {"requested_version": version}, status=404)
    language = translation.get_language()
    notice_language = shown.language_shown(language)
    snapshot = shown.snapshot if isinstance(shown.snapshot, dict) else {}
    names = snapshot.get("name") or {}
    title = names.get(notice_language) or next((n for n in names.values() if n), "")
    # The stored HTML was rendered by our own template from escaped register data at
    # publication; it is shown as stored so the page proves what customers were told.
    content = SafeString(shown.content_in(language))  # noqa: S308
    others = NoticeVersion.objects.exclude(pk=shown.pk).only("number", "published_at")
    # The page names the shop as the version shown names it: an earlier version stays as published.
    controllers = snapshot.get("controllers") or []
    shop = {"shop_name": controllers[0].get("name", "")} if controllers else {}
    return render(
        request,
        "register/privacy_notice.html",
        {
            "title": title or translation.gettext("Privacy notice"),
            "title_language": notice_language if title else language,
            "version": shown,
            "is_current": current is not None and shown.pk == current.pk,
            "content": content,
            "notice_language": notice_language,
            "shown_in_original": (
                SHOWN_IN_ORIGINAL_LANGUAGE.get(notice_language) if notice_language != language else None
            ),
            "others": others,
            **shop,
        },
    )
