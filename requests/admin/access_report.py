"""Access reports (GDPR Art. 15) and portability exports (Art. 20): generate, download, send."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from register.admin_base import ReadOnlyAdmin
from requests.admin.base import REPORT_PERMISSION, RequestPagesMixin
from requests.background import generate_report
from requests.models import AccessReport, TransitionError
from requests.report_review import release_report, review_report, withhold_item
from requests.reports import link_sends, send_report_link


class WithholdForm(forms.Form):
    table = forms.CharField(widget=forms.HiddenInput)
    row_id = forms.IntegerField(widget=forms.HiddenInput)
    field = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (GDPR Art. 15(4))"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Whose rights showing the text would affect, and how. The customer reads this reason."),
    )


@admin.register(AccessReport)
class AccessReportAdmin(RequestPagesMixin, ReadOnlyAdmin):
    """Generated reports with their expiry; downloads here are logged like the customer's.

    Files are deleted by the retention job; the row stays as evidence of the answer.
    """

    list_display = [
        "id",
        "request",
        "kind",
        "created_at",
        "created_by",
        "expires_at",
        "state_display",
        "download_link",
    ]
    # By date with fixed periods: a date hierarchy lists the distinct days of every report.
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["request", "created_by"]
    raw_id_fields = ["request"]
    # Newest first along the primary key (reports are only ever added): created_at has no index.
    ordering = ["-id"]
    readonly_fields = [
        "request",
        "kind",
        "created_at",
        "created_by",
        "expires_at",
        "deleted_at",
        "customer_count",
        "size",
        "sha256",
        "released_at",
        "released_by",
        "state_display",
        "downloads_display",
    ]
    fields = readonly_fields

    def get_list_display(self, request: HttpRequest):
        # Downloading needs the report permission: nobody is shown a link that would answer 403.
        if request.user.has_perm(REPORT_PERMISSION):
            return self.list_display
        return [name for name in self.list_display if name != "download_link"]

    @admin.display(description=_("state"))
    def state_display(self, obj: AccessReport) -> str:
        if obj.deleted_at:
            return gettext("File deleted")
        if obj.expires_at <= timezone.now():
            return gettext("Expired")
        return gettext("Available")

    @admin.display(description=_("download"))
    def download_link(self, obj: AccessReport) -> str:
        if obj.deleted_at or obj.expires_at <= timezone.now():
            return "–"
        url = reverse("admin:requests_accessreport_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download (logged)"))

    @admin.display(description=_("downloads"))
    def downloads_display(self, obj: AccessReport) -> str:
        rows = [
            f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M} — "
            + (gettext("the customer") if entry.by_customer else entry.user.get_username())
            for entry in obj.downloads.select_related("user")
        ]
        return "\n".join(rows) or "–"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "generate/<int:request_pk>/",
                wrap(self.generate_view),
                name="requests_accessreport_generate",
            ),
            path("<int:pk>/download/", wrap(self.download_view), name="requests_accessreport_download"),
            path("<int:pk>/send/", wrap(self.send_view), name="requests_accessreport_send"),
            path("<int:pk>/review/", wrap(self.review_view), name="requests_accessreport_review"),
            *super().get_urls(),
        ]

    def _require(self, request: HttpRequest) -> None:
        # Reports hold every identifier unmasked, so only holders of the permission touch them.
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied

    def get_report(self, request: HttpRequest, pk: int) -> AccessReport:
        """Return report ``pk`` as this admin shows it to the user, or raise Http404."""
        return get_object_or_404(self.get_queryset(request).select_related("request"), pk=pk)

    def generate_view(self, request: HttpRequest, request_pk: int) -> HttpResponse:
        """Build the report of a verified access or portability request (POST only)."""
        self._require(request)
        if request.method != "POST":
            return HttpResponse(status=405)
        obj = self.get_request(request, request_pk)
        try:
            report = generate_report(obj, by=request.user)
        except TransitionError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            if report is None:
                self.message_user(
                    request,
                    gettext(
                        "The customer has many orders: the report is being generated in the background. "
                        "It appears on this page when it is ready."
                    ),
                    messages.INFO,
                )
                return self.back_to_request(obj.pk)
            self.message_user(
                request,
                gettext("Report %(id)s generated; its link expires on %(date)s.")
                % {"id": report.pk, "date": timezone.localtime(report.expires_at).strftime("%Y-%m-%d")},
                messages.SUCCESS,
            )
        return self.back_to_request(obj.pk)

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request)
        report = self.get_report(request, pk)
        if not report.is_available():
            self.message_user(request, gettext("The report has expired or was deleted."), messages.ERROR)
            return self.back_to_request(report.request_id)
        report.log_download(user=request.user)
        response = FileResponse(report.path.open("rb"), as_attachment=True, filename=report.filename)
        response["Content-Type"] = "application/zip"
        response["Cache-Control"] = "no-store"
        return response

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """What the report holds, before release: tables and row counts, every staff text in full.

        POST ``withhold`` leaves one text out with a reason (GDPR Art. 15(4)) and rebuilds the file;
        POST ``release`` releases the file reviewed (its checksum must not have changed).
        """
        self._require(request)
        report = self.get_report(request, pk)
        if request.method == "POST":
            form = WithholdForm(request.POST)
            try:
                if "release" in request.POST:
                    release_report(report, by=request.user, reviewed_sha256=request.POST.get("sha256", ""))
                    self.message_user(
                        request,
                        gettext("Report %(id)s is released; its link can now be emailed to the customer.")
                        % {"id": report.pk},
                        messages.SUCCESS,
                    )
                    return self.back_to_request(report.request_id)
                if not form.is_valid():
                    raise TransitionError(
                        gettext("Say whose rights the text would affect: a withheld item needs a reason.")
                    )
                withhold_item(report, by=request.user, **form.cleaned_data)
                self.message_user(
                    request, gettext("The text is withheld and the report rebuilt."), messages.SUCCESS
                )
            except TransitionError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)
        review = review_report(report) if report.is_available() else None
        withheld = {(item.table, item.row_id, item.field) for item in review.withheld} if review else set()
        return self.request_page(
            request,
            report.request,
            "requests/report/review.html",
            gettext("Review report %(id)s before release") % {"id": report.pk},
            report=report,
            review=review,
            texts=[
                (
                    text,
                    WithholdForm(initial={"table": text.table, "row_id": text.row_id, "field": text.field}),
                )
                for text in (review.staff_texts if review else [])
                if (text.table, text.row_id, text.field) not in withheld
            ],
        )

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Email the signed link to the customer, in their language (POST only)."""
        self._require(request)
        if request.method != "POST":
            return HttpResponse(status=405)
        report = self.get_report(request, pk)
        sends = link_sends([report]).get(report.pk, [])
        if sends and "confirm_resend" not in request.POST:
            # The customer already has the link: sending it again is a deliberate choice.
            return self.request_page(
                request,
                report.request,
                "requests/report/resend_confirm.html",
                gettext("Send the link of report %(id)s again?") % {"id": report.pk},
                report=report,
                sends=sends,
            )
        try:
            send_report_link(report, sent_by=request.user)
        except TransitionError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, gettext("The download link was emailed to the customer."))
        return self.back_to_request(report.request_id)
