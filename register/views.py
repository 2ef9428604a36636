from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET


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
    raise Http404
