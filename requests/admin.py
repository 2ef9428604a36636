"""The staff workflow for data-subject requests.

The admin stays thin: buttons and actions call the model's transition methods, which
refuse invalid moves with ``TransitionError`` and write the audit trail. Unverified
requests are hidden from the default list (they are not actionable until the customer
has confirmed their address).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from register.admin_base import ReadOnlyAdmin, ReadOnlyInlineMixin
from requests import deadlines
from requests.emails import send_request_email, send_verification
from requests.forms import (
    ExtendForm,
    IncomingMessageForm,
    RectificationReviewForm,
    RejectForm,
    ReplyForm,
    StaffRequestForm,
    VerifyForm,
)
from requests.models import (
    AccessReport,
    ErasureRecord,
    InternalNote,
    LegalClaim,
    RecipientNotification,
    RectificationChange,
    Request,
    RequestEvent,
    RequestMessage,
    TransitionError,
)
from requests.rectification import apply_rectification, diff_rows
from requests.reports import build_access_report, send_report_link

PROCESS_PERMISSION = "requests.process_request"
REJECT_PERMISSION = "requests.reject_request"


class StatusFilter(admin.SimpleListFilter):
    """Status filter whose default view shows only actionable (verified) requests."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Request.Status.choices, ("all", _("All, including unverified"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Actionable (verified)"),
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.actionable()
        if value == "all":
            return queryset
        return queryset.filter(status=value)


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due within 7 days")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "soon":
            return queryset.due_within(deadlines.DUE_SOON_DAYS)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("nobody", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.assigned_to(request.user)
        if self.value() == "nobody":
            return queryset.unassigned()
        return queryset


class RequestEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = RequestEvent
    verbose_name_plural = _("events (audit trail)")
    fields = ["at", "kind", "actor", "detail"]
    select_related = ("actor",)


class RequestMessageInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = RequestMessage
    verbose_name_plural = _("correspondence with the customer")
    fields = ["sent_at", "direction", "template", "recipient", "language", "sent_by", "subject", "body"]
    select_related = ("sent_by",)


class InternalNoteInline(admin.StackedInline):
    """Notes for staff only; existing notes are read-only, new ones can be added."""

    model = InternalNote
    verbose_name_plural = _("internal notes (never sent to the customer)")
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class RequestChangeForm(forms.ModelForm):
    class Meta:
        model = Request
        fields = ["name", "customer_number", "order_number", "language", "customers"]


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    form = RequestChangeForm
    add_form = StaffRequestForm
    list_display = [
        "number_display",
        "kind",
        "status",
        "days_left_display",
        "effective_due_display",
        "assignee",
        "received_at",
        "received_via",
    ]
    list_display_links = ["number_display"]
    list_filter = [StatusFilter, "kind", DeadlineFilter, AssigneeFilter, "received_via"]
    list_select_related = ["assignee"]
    search_fields = ["=email_normalized", "name", "=customer_number", "=order_number"]
    search_help_text = _("Search by request number, exact email, name, customer or order number.")
    show_full_result_count = False
    list_per_page = 50
    ordering = ["due_date", "id"]
    raw_id_fields = ["customers"]
    inlines = [RequestEventInline, RequestMessageInline, InternalNoteInline]
    actions = ["assign_to_me", "start_processing"]
    readonly_fields = [
        "number_display",
        "kind",
        "status",
        "email",
        "received_at",
        "received_via",
        "due_date",
        "days_left_display",
        "extended_due_date",
        "extension_reason",
        "extended_at",
        "extended_by",
        "assignee",
        "message",
        "rectification_wrong",
        "rectification_correct",
        "withdrawal_purposes",
        "verified_at",
        "verification_method",
        "verification_note",
        "verified_by",
        "match_state_display",
        "match_confirmed_at",
        "match_confirmed_by",
        "rejection_reason",
        "rejection_justification",
        "completed_at",
        "closed_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number_display",
                    ("kind", "status"),
                    ("received_at", "received_via"),
                    "assignee",
                ]
            },
        ),
        (
            _("Deadline (GDPR Art. 12(3))"),
            {
                "fields": [
                    ("due_date", "days_left_display"),
                    ("extended_due_date", "extended_at", "extended_by"),
                    "extension_reason",
                ]
            },
        ),
        (
            _("The customer's request"),
            {
                "fields": [
                    "email",
                    "name",
                    ("customer_number", "order_number"),
                    "language",
                    "message",
                    ("rectification_wrong", "rectification_correct"),
                    "withdrawal_purposes",
                ]
            },
        ),
        (
            _("Identity and match"),
            {
                "fields": [
                    ("verified_at", "verification_method", "verified_by"),
                    "verification_note",
                    "customers",
                    "match_state_display",
                ]
            },
        ),
        (
            _("Outcome"),
            {"fields": ["rejection_reason", "rejection_justification", "completed_at", "closed_at"]},
        ),
    ]

    # --- permissions ---------------------------------------------------------------------

    def has_process_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PROCESS_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        # Requests are evidence of how the controller answered (Art. 5(2)); the retention
        # job deletes them when their period ends, not staff.
        return False

    # --- list ----------------------------------------------------------------------------

    @admin.display(description=_("number"), ordering="id")
    def number_display(self, obj: Request) -> str:
        return obj.number

    @admin.display(description=_("due"), ordering="due_date")
    def effective_due_display(self, obj: Request):
        return obj.effective_due_date

    @admin.display(description=_("days left"))
    def days_left_display(self, obj: Request):
        if not obj.is_open:
            return "–"
        if not obj.is_verified:
            return format_html('<span style="color:#666">{}</span>', gettext("not verified"))
        days = obj.days_left()
        if days < 0:
            color = "#b00020"
            text = ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
        elif days <= deadlines.DUE_SOON_DAYS:
            color = "#b26a00"
            text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        else:
            color = "inherit"
            text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        return format_html('<strong style="color:{}">{}</strong>', color, text)

    @admin.display(description=_("match"))
    def match_state_display(self, obj: Request) -> str:
        if obj.match_confirmed_at:
            return gettext("Confirmed")
        if obj.pk and obj.is_verified:
            return gettext("Proposed automatically; check and confirm")
        return gettext("Not matched before verification")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        number = term.upper().removeprefix("R-")
        if number.isdigit():
            return queryset.filter(pk=int(number)), False
        return super().get_search_results(request, queryset, term)

    # --- add and change ------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "kind",
                            ("received_via", "received_at"),
                            "language",
                            "email",
                            "name",
                            ("customer_number", "order_number"),
                            "message",
                            ("rectification_wrong", "rectification_correct"),
                            "withdrawal_purposes",
                            "assignee",
                        ]
                    },
                ),
                (
                    _("Identity verification"),
                    {"fields": ["verification_method", "verification_note"]},
                ),
            ]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        if not change:
            obj.log(RequestEvent.Kind.CREATED, by=request.user, detail=obj.get_received_via_display())

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        customers_changed = "customers" in form.changed_data
        super().save_related(request, form, formsets, change)
        if not change:
            method = form.cleaned_data.get("verification_method")
            if method:
                note = form.cleaned_data.get("verification_note", "")
                obj.verify(by=request.user, method=method, note=note)
        elif customers_changed:
            try:
                obj.confirm_match(obj.customers.all(), by=request.user)
            except TransitionError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, InternalNote):
                instance.author = request.user
            instance.save()
        formset.save_m2m()

    # --- actions on many -----------------------------------------------------------------

    def _apply(self, request, queryset, method: str, done: str) -> None:
        ok, refused = 0, 0
        for obj in queryset:
            try:
                if method == "assign":
                    obj.assign(request.user, by=request.user)
                else:
                    getattr(obj, method)(by=request.user)
                ok += 1
            except TransitionError:
                refused += 1
        if ok:
            self.message_user(request, done % {"count": ok}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request was skipped: its status does not allow this.",
                    "%(count)d requests were skipped: their status does not allow this.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=_("Assign to me"), permissions=["process"])
    def assign_to_me(self, request, queryset):
        self._apply(request, queryset, "assign", gettext("%(count)d request(s) assigned to you."))

    @admin.action(description=_("Start processing"), permissions=["process"])
    def start_processing(self, request, queryset):
        self._apply(request, queryset, "start", gettext("%(count)d request(s) in progress."))

    # --- buttons on one ------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/act/<str:action>/", wrap(self.act_view), name="requests_request_act"),
            path("<int:pk>/verify/", wrap(self.verify_view), name="requests_request_verify"),
            path("<int:pk>/extend/", wrap(self.extend_view), name="requests_request_extend"),
            path("<int:pk>/reject/", wrap(self.reject_view), name="requests_request_reject"),
            path("<int:pk>/reply/", wrap(self.reply_view), name="requests_request_reply"),
            path("<int:pk>/incoming/", wrap(self.incoming_view), name="requests_request_incoming"),
            *privacy_urls(self),
            *super().get_urls(),
        ]

    def _get(self, request: HttpRequest, pk: int, permission: str = PROCESS_PERMISSION) -> Request:
        if not (self.has_change_permission(request) and request.user.has_perm(permission)):
            raise PermissionDenied
        return get_object_or_404(Request, pk=pk)

    def _back(self, obj: Request) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:requests_request_change", args=[obj.pk]))

    def act_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        """One-click transitions; POST only (CSRF-protected)."""
        if request.method != "POST":
            return HttpResponse(status=405)
        obj = self._get(request, pk)
        done = {
            "start": gettext("Processing started."),
            "complete": gettext("The request is completed."),
            "assign_me": gettext("The request is assigned to you."),
            "confirm_match": gettext("The customer match is confirmed."),
            "send_verification": gettext("A new verification link was emailed to the customer."),
        }
        if action not in done:
            return HttpResponse(status=404)
        try:
            with transaction.atomic():
                if action == "start":
                    obj.start(by=request.user)
                elif action == "complete":
                    obj.complete(by=request.user)
                elif action == "assign_me":
                    obj.assign(request.user, by=request.user)
                elif action == "confirm_match":
                    obj.confirm_match(obj.customers.all(), by=request.user)
                elif action == "send_verification":
                    if not obj.email:
                        raise TransitionError(gettext("The request has no email address."))
                    send_verification(obj)
        except TransitionError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, done[action], messages.SUCCESS)
        return self._back(obj)

    def _form_page(self, request, obj, form, title: str, intro: str = "") -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": title,
            "intro": intro,
            "form": form,
        }
        return TemplateResponse(request, "admin/requests/request/action_form.html", context)

    def _run_form(self, request, obj, form_class, title, intro, apply, success) -> HttpResponse:
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                apply(form.cleaned_data)
            except TransitionError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, success, messages.SUCCESS)
                return self._back(obj)
        return self._form_page(request, obj, form, title, intro)

    def verify_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._get(request, pk)
        return self._run_form(
            request,
            obj,
            VerifyForm,
            gettext("Record identity verification for %(number)s") % {"number": obj.number},
            gettext("For a request received by letter, phone or visit: say how identity was confirmed."),
            lambda data: obj.verify(by=request.user, method=data["method"], note=data["note"]),
            gettext("The request is verified."),
        )

    def extend_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._get(request, pk)
        return self._run_form(
            request,
            obj,
            ExtendForm,
            gettext("Extend the deadline of %(number)s") % {"number": obj.number},
            gettext(
                "Once only, before %(date)s, by at most two months (GDPR Art. 12(3)). The customer "
                "is emailed the reason in their language."
            )
            % {"date": obj.due_date.isoformat()},
            lambda data: obj.extend(by=request.user, months=data["months"], reason=data["reason"]),
            gettext("The deadline is extended and the customer was told why."),
        )

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._get(request, pk, REJECT_PERMISSION)
        return self._run_form(
            request,
            obj,
            RejectForm,
            gettext("Reject %(number)s") % {"number": obj.number},
            gettext(
                "The customer is emailed the reason, the justification and their right to complain "
                "to the supervisory authority and to a court (GDPR Art. 12(4))."
            ),
            lambda data: obj.reject(
                by=request.user, reason=data["reason"], justification=data["justification"]
            ),
            gettext("The request is rejected and the customer was told why."),
        )

    def reply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._get(request, pk)

        def send(data):
            if not obj.email:
                raise TransitionError(gettext("The request has no email address."))
            send_request_email(obj, data["template"], sent_by=request.user, extra={"text": data["text"]})

        return self._run_form(
            request,
            obj,
            ReplyForm,
            gettext("Reply to %(number)s") % {"number": obj.number},
            gettext("The reply is written in the customer's language (%(language)s) and stored.")
            % {"language": obj.get_language_display()},
            send,
            gettext("The reply was sent and stored."),
        )

    def incoming_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._get(request, pk)
        return self._run_form(
            request,
            obj,
            IncomingMessageForm,
            gettext("Record a message from the customer about %(number)s") % {"number": obj.number},
            gettext("For an answer received by email, letter or phone; it is kept with the correspondence."),
            lambda data: obj.record_incoming_message(
                subject=data["subject"], body=data["body"], by=request.user
            ),
            gettext("The message is stored with the correspondence."),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["can_process"] = self.has_process_permission(request)
        extra_context["can_reject"] = request.user.has_perm(REJECT_PERMISSION)
        extra_context["due_soon_days"] = deadlines.DUE_SOON_DAYS
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(RequestMessage)
class RequestMessageAdmin(ReadOnlyAdmin):
    """All correspondence across requests, read-only (sent messages are records)."""

    list_display = ["request", "direction", "template", "language", "sent_at", "sent_by"]
    list_filter = ["direction", "template", "language"]
    list_select_related = ["request", "sent_by"]
    raw_id_fields = ["request"]
    show_full_result_count = False
    date_hierarchy = "sent_at"


# --- Access reports and rectification ---

REPORT_PERMISSION = "requests.generate_report"
RECTIFY_PERMISSION = "requests.apply_rectification"


@admin.register(AccessReport)
class AccessReportAdmin(ReadOnlyAdmin):
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
    list_filter = ["kind"]
    list_select_related = ["request", "created_by"]
    raw_id_fields = ["request"]
    show_full_result_count = False
    date_hierarchy = "created_at"
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
        "state_display",
        "downloads_display",
    ]
    fields = readonly_fields

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
            f"{entry.at:%Y-%m-%d %H:%M} — "
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
            *super().get_urls(),
        ]

    def _require(self, request: HttpRequest) -> None:
        # Reports hold every identifier unmasked, so only holders of the permission touch them.
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied

    def _back(self, pk: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:requests_request_change", args=[pk]))

    def generate_view(self, request: HttpRequest, request_pk: int) -> HttpResponse:
        """Build the report of a verified access or portability request (POST only)."""
        self._require(request)
        if request.method != "POST":
            return HttpResponse(status=405)
        obj = get_object_or_404(Request, pk=request_pk)
        try:
            report = build_access_report(obj, by=request.user)
        except TransitionError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Report %(id)s generated; its link expires on %(date)s.")
                % {"id": report.pk, "date": timezone.localtime(report.expires_at).strftime("%Y-%m-%d")},
                messages.SUCCESS,
            )
        return self._back(obj.pk)

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request)
        report = get_object_or_404(AccessReport.objects.select_related("request"), pk=pk)
        if not report.is_available():
            self.message_user(request, gettext("The report has expired or was deleted."), messages.ERROR)
            return self._back(report.request_id)
        report.log_download(user=request.user)
        response = FileResponse(report.path.open("rb"), as_attachment=True, filename=report.filename)
        response["Content-Type"] = "application/zip"
        response["Cache-Control"] = "no-store"
        return response

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Email the signed link to the customer, in their language (POST only)."""
        self._require(request)
        if request.method != "POST":
            return HttpResponse(status=405)
        report = get_object_or_404(AccessReport.objects.select_related("request"), pk=pk)
        try:
            send_report_link(report, sent_by=request.user)
        except TransitionError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, gettext("The download link was emailed to the customer."))
        return self._back(report.request_id)


@admin.register(RectificationChange)
class RectificationChangeAdmin(ReadOnlyAdmin):
    """Applied and proposed corrections (read-only); the review page applies them."""

    list_display = ["request", "customer", "field", "staff_edited", "applied_at", "applied_by"]
    list_filter = ["field", "staff_edited"]
    list_select_related = ["request", "customer", "applied_by"]
    raw_id_fields = ["request", "customer"]
    show_full_result_count = False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "review/<int:request_pk>/",
                wrap(self.review_view),
                name="requests_rectificationchange_review",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest, request_pk: int) -> HttpResponse:
        """Current against proposed values, side by side; staff may edit, then apply."""
        if not request.user.has_perm(RECTIFY_PERMISSION):
            raise PermissionDenied
        obj = get_object_or_404(Request, pk=request_pk, kind=Request.Kind.RECTIFICATION)
        customers = list(obj.customers.order_by("pk"))
        customer = None
        wanted = request.GET.get("customer") or request.POST.get("customer")
        for candidate in customers:
            if not wanted or str(candidate.pk) == wanted:
                customer = candidate
                break
        rows = diff_rows(obj, customer) if customer else []
        form = RectificationReviewForm(request.POST or None, rows=rows)
        if request.method == "POST" and customer is not None and form.is_valid():
            try:
                applied = apply_rectification(
                    obj, customer, form.values(), by=request.user, statement=form.cleaned_data["statement"]
                )
            except ValidationError as exc:
                for name, errors in getattr(exc, "error_dict", {}).items():
                    for error in errors:
                        if f"value_{name}" in form.fields:
                            form.add_error(f"value_{name}", error)
                        else:
                            form.add_error(None, error)
                if not hasattr(exc, "error_dict"):
                    form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    ngettext("%(count)d field corrected.", "%(count)d fields corrected.", len(applied))
                    % {"count": len(applied)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:requests_request_change", args=[obj.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": Request._meta,
            "original": obj,
            "title": gettext("Rectification of %(number)s") % {"number": obj.number},
            "customers": customers,
            "customer": customer,
            "form": form,
            "rows": [(row, form[f"value_{row['field']}"]) for row in rows],
            "applied": obj.rectifications.filter(applied_at__isnull=False).select_related("applied_by"),
        }
        return TemplateResponse(request, "requests/rectification/review.html", context)


# --- Erasure, restriction, objection, Art. 19 ---

ERASE_PERMISSION = "requests.erase_customer"


def privacy_urls(model_admin: RequestAdmin) -> list:
    """Admin URLs of erasure, restriction, objection and Art. 19 on one request."""
    wrap = model_admin.admin_site.admin_view

    def view(func):
        return wrap(lambda request, **kwargs: func(model_admin, request, **kwargs))

    return [
        path("<int:pk>/erasure/", view(erasure_view), name="requests_request_erasure"),
        path("<int:pk>/rights/<str:action>/", view(rights_view), name="requests_request_rights"),
    ]


def erasure_view(model_admin: RequestAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    """Preview what erasure removes and retains (GET); erase with the permission (POST)."""
    from requests.erasure import ErasureBlocked, erase_for_request, preview_erasure

    obj = model_admin._get(request, pk)
    if obj.kind != Request.Kind.ERASURE:
        raise PermissionDenied
    can_erase = request.user.has_perm(ERASE_PERMISSION)
    if request.method == "POST":
        if not can_erase:
            raise PermissionDenied
        try:
            records = erase_for_request(obj, by=request.user)
        except (ErasureBlocked, TransitionError) as exc:
            model_admin.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            model_admin.message_user(
                request,
                gettext("%(count)d customer(s) erased; the customer was told what is retained.")
                % {"count": len(records)},
                messages.SUCCESS,
            )
        return model_admin._back(obj)
    plans = [preview_erasure(customer) for customer in obj.customers.order_by("pk")]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Request._meta,
        "original": obj,
        "title": gettext("Preview erasure for %(number)s") % {"number": obj.number},
        "plans": plans,
        "can_erase": can_erase and obj.is_open and obj.is_verified,
    }
    return TemplateResponse(request, "requests/privacy/erasure_preview.html", context)


def rights_view(model_admin: RequestAdmin, request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One-click steps of restriction, objection, withdrawal and Art. 19; POST only (CSRF)."""
    from requests import rights

    if request.method != "POST":
        return HttpResponse(status=405)
    obj = model_admin._get(request, pk)
    steps = {
        "restrict": (
            lambda: rights.apply_restriction(obj, by=request.user),
            gettext("Processing is restricted; the recipients to notify are listed."),
        ),
        "lift_notice": (
            lambda: rights.send_lift_notice(obj, by=request.user),
            gettext("The customer was told that the restriction will be lifted."),
        ),
        "lift": (
            lambda: rights.lift_restriction(obj, by=request.user),
            gettext("The restriction is lifted."),
        ),
        "confirm": (
            lambda: rights.confirm_and_close(obj, by=request.user),
            gettext("The confirmation was sent and the request is completed."),
        ),
        "tell_recipients": (
            lambda: rights.tell_customer_recipients(obj, by=request.user),
            gettext("The customer was told who the recipients are."),
        ),
    }
    if action not in steps:
        return HttpResponse(status=404)
    apply, done = steps[action]
    try:
        with transaction.atomic():
            apply()
    except TransitionError as exc:
        model_admin.message_user(request, " ".join(exc.messages), messages.ERROR)
    else:
        model_admin.message_user(request, done, messages.SUCCESS)
    return model_admin._back(obj)


class ImpossibleForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is notifying impossible or disproportionate?"), widget=forms.Textarea, required=True
    )


@admin.register(RecipientNotification)
class RecipientNotificationAdmin(admin.ModelAdmin):
    """Art. 19 tasks: staff mark each sent (or send the email from here) or impossible with a reason."""

    list_display = ["recipient_name", "request", "action", "status", "created_at", "done_at", "done_by"]
    list_filter = ["status", "action"]
    list_select_related = ["request", "done_by"]
    raw_id_fields = ["request", "recipient"]
    readonly_fields = [
        "request",
        "recipient",
        "recipient_name",
        "recipient_email",
        "action",
        "status",
        "reason",
        "created_at",
        "done_at",
        "done_by",
    ]
    show_full_result_count = False
    actions = ["send_and_mark_sent", "mark_sent", "mark_impossible"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_process_permission(self, request) -> bool:
        return request.user.has_perm(PROCESS_PERMISSION)

    @admin.action(description=_("Send the Art. 19 email and mark sent"), permissions=["process"])
    def send_and_mark_sent(self, request, queryset):
        from requests.rights import send_recipient_notification

        sent, failed = 0, 0
        for notification in queryset.select_related("request", "recipient__register"):
            try:
                send_recipient_notification(notification, by=request.user)
                sent += 1
            except TransitionError:
                failed += 1
        self.message_user(request, gettext("%(count)d notice(s) sent.") % {"count": sent}, messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                gettext("%(count)d recipient(s) have no notification email.") % {"count": failed},
                messages.WARNING,
            )

    @admin.action(description=_("Mark sent (told by other means)"), permissions=["process"])
    def mark_sent(self, request, queryset):
        for notification in queryset:
            notification.mark_sent(by=request.user)
        self.message_user(request, gettext("Marked sent."), messages.SUCCESS)

    @admin.action(description=_("Mark impossible or disproportionate…"), permissions=["process"])
    def mark_impossible(self, request, queryset):
        form = ImpossibleForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            for notification in queryset:
                notification.mark_impossible(by=request.user, reason=form.cleaned_data["reason"])
            self.message_user(request, gettext("Marked impossible, with the reason."), messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Why is notifying impossible or disproportionate?"),
            "form": form,
            "queryset": queryset,
            "action": "mark_impossible",
        }
        return TemplateResponse(request, "requests/privacy/impossible_form.html", context)


@admin.register(LegalClaim)
class LegalClaimAdmin(admin.ModelAdmin):
    """Legal claims noted by staff; while one is active the customer cannot be erased."""

    list_display = ["customer", "noted_at", "until", "lifted_at", "noted_by"]
    list_filter = ["lifted_at"]
    list_select_related = ["customer", "noted_by"]
    raw_id_fields = ["customer", "request"]
    fields = ["customer", "request", "note", "until", "lifted_at"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.noted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    """What each erasure removed and retained: models, rows and fields, never values."""

    list_display = ["erased_at", "customer", "request", "erased_by", "reason"]
    list_select_related = ["customer", "request", "erased_by"]
    raw_id_fields = ["customer", "request"]
    readonly_fields = ["customer", "request", "erased_at", "erased_by", "reason", "items"]
    show_full_result_count = False
    date_hierarchy = "erased_at"
