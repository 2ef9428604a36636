"""What the requests admins share: the permissions they check and the pages about one request."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from requests.models import Request

PROCESS_PERMISSION = "requests.process_request"
REJECT_PERMISSION = "requests.reject_request"
ERASE_PERMISSION = "requests.erase_customer"
REPORT_PERMISSION = "requests.generate_report"
RECTIFY_PERMISSION = "requests.apply_rectification"


class RequestPagesMixin:
    """Admin pages that act on one request and return to its change page.

    The request is fetched through the request admin's own queryset, so whatever that admin
    hides from a user stays hidden on every page that acts on a request.
    """

    def get_request(self, request: HttpRequest, pk: int, **filters) -> Request:
        """Return request ``pk`` as the request admin shows it to this user, or raise Http404."""
        queryset = self.admin_site.get_model_admin(Request).get_queryset(request)
        return get_object_or_404(queryset, pk=pk, **filters)

    def back_to_request(self, pk: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:requests_request_change", args=[pk]))

    def request_page(
        self, request: HttpRequest, obj: Request, template: str, title: str, **context
    ) -> TemplateResponse:
        """Render an admin page about ``obj``, with the breadcrumbs back to it."""
        context = {
            **self.admin_site.each_context(request),
            "opts": Request._meta,
            "original": obj,
            "title": title,
            **context,
        }
        return TemplateResponse(request, template, context)
