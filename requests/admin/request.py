"""The staff workflow for data-subject requests.

The admin stays thin: buttons and actions call the model's transition methods, which
refuse invalid moves with ``TransitionError`` and write the audit trail. Unverified
requests are hidden from the default list (they are not actionable until the customer
has confirmed their address).
"""

from functools import lru_cache

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from register.admin_base import ModelAdmin
from requests import deadlines, rights
from requests.admin.base import ERASE_PERMISSION, PROCESS_PERMISSION, REJECT_PERMISSION, RequestPagesMixin
from requests.admin.confirmations import ErasureConfirmForm
from requests.admin.filters import AssigneeFilter, DeadlineFilter, StatusFilter
from requests.admin.inlines import InternalNoteInline, RequestEventInline, RequestMessageInline
from requests.emails import send_request_email, send_verification
from requests.erasure import RETAIN, ErasureBlocked, erase_for_request, preview_erasure
from requests.forms import (
    CustomerSearchForm,
    ErasureChoiceForm,
    ExtendForm,
    IdentityEvidenceForm,
    IncomingMessageForm,
    RejectForm,
    ReplyForm,
    StaffRequestForm,
    VerifyForm,
)
from requests.fulfilment import confirm_no_data_held, missing_for_completion
from requests.identity import missing_identity
from requests.intake import receive_request
from requests.models import InternalNote, Request, TransitionError
from requests.reports import link_sends


class RequestChangeForm(forms.ModelForm):
    class Meta:
        model = Request
        # The customers are matched on their own page, by number or by name and address
        # (``match_view``), never by typing a database id.
        fields = ["name", "customer_number", "order_number", "language"]


# Search results shown on the match page: enough to choose from, never a list of the register.
MATCH_RESULTS = 20


def _with_last_order(queryset):
    """Customers with their latest order's number and time (one query, whatever their orders)."""
    from django.db.models import OuterRef, Subquery

    from customers.models import Order

    latest = Order.objects.filter(customer=OuterRef("pk")).order_by("-placed_at", "-pk")
    return queryset.annotate(
        last_order_number=Subquery(latest.values("number")[:1]),
        last_order_at=Subquery(latest.values("placed_at")[:1]),
    )


def _plan_rows(plan) -> dict[str, list[dict]]:
    """The erasure plan as staff read it: records by their names, fields by their labels, no internals."""
    rows: dict[str, list[dict]] = {"removed": [], "retained": []}
    for item in plan.items:
        model = item.declaration.model
        labels = []
        for name in item.fields:
            rule = item.declaration.personal.get(name)
            if rule is not None and rule.derived:
                continue
            labels.append(str(model._meta.get_field(name).verbose_name))
        rows["retained" if item.action == RETAIN else "removed"].append(
            {"item": item, "what": str(model._meta.verbose_name_plural), "fields": labels}
        )
    return rows


@lru_cache(maxsize=2048)
def _days_left_html(language: str, days: int | None) -> str:
    """The request list's "days left" cell in ``language``; None: not verified yet. Kept per value: a
    list shows the same few numbers down its rows."""
    if days is None:
        return format_html('<span class="muted">{}</span>', gettext("not verified"))
    # Classes of register/static/register/admin.css (the CSP allows no inline styles).
    if days < 0:
        attention = "attention-now"
        text = ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
    elif days <= deadlines.DUE_SOON_DAYS:
        attention = "attention-soon"
        text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    else:
        attention = ""
        text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    return format_html('<strong class="{}">{}</strong>', attention, text)


@admin.register(Request)
class RequestAdmin(RequestPagesMixin, ModelAdmin):
    form = RequestChangeForm
    add_form = StaffRequestForm
    # A request's own page is in the admin: "View on site" would only lead back here.
    view_on_site = False
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
    list_filter = [
        StatusFilter,
        "kind",
        DeadlineFilter,
        AssigneeFilter,
        "received_via",
        ("completed_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["assignee"]
    # What the list's rows show (a request keeps some forty columns, its message among them).
    list_columns = [
        "kind",
        "status",
        "due_date",
        "extended_due_date",
        "received_at",
        "received_via",
        "assignee__username",
    ]
    search_fields = ["=email_normalized", "name", "=customer_number", "=order_number"]
    search_help_text = _("Search by request number, exact email, name, customer or order number.")
    list_per_page = 50
    ordering = ["due_date", "id"]
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
        "erasure_choice",
        "verified_at",
        "verification_method",
        "verification_note",
        "verified_by",
        "match_state_display",
        "customers_display",
        "identity_display",
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
                    "erasure_choice",
                ]
            },
        ),
        (
            _("Identity and match"),
            {
                "fields": [
                    ("verified_at", "verification_method", "verified_by"),
                    "verification_note",
                    "identity_display",
                    "customers_display",
                    "match_state_display",
                    ("match_confirmed_at", "match_confirmed_by"),
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
            return _days_left_html(get_language(), None)
        return _days_left_html(get_language(), obj.days_left())

    @admin.display(description=_("match"))
    def match_state_display(self, obj: Request) -> str:
        if obj.match_confirmed_at:
            return gettext("Confirmed")
        if obj.pk and obj.is_verified:
            return gettext("Proposed automatically; check and confirm")
        return gettext("Not matched before verification")

    @admin.display(description=_("customers"))
    def customers_display(self, obj: Request) -> str:
        customers = list(obj.customers.order_by("pk")[:20]) if obj.pk else []
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> {}</li>',
            (
                (reverse("admin:customers_customer_change", args=[c.pk]), c.customer_number, c.full_name)
                for c in customers
            ),
        )
        link = ""
        if obj.pk and obj.is_verified and obj.is_open:
            link = format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:requests_request_match", args=[obj.pk]),
                gettext("Find and match customers"),
            )
        return format_html("<ul>{}</ul>{}", rows, link) if customers else format_html("{} {}", "—", link)

    @admin.display(description=_("identity evidence"))
    def identity_display(self, obj: Request) -> str:
        if not obj.identity_accepted:
            return gettext("No identity rule for this right: the verification above suffices.")
        accepted = ", ".join(str(Request.VerificationMethod(kind).label) for kind in obj.identity_accepted)
        recorded = format_html_join(
            "",
            "<li>{}: {} — {} {}</li>",
            (
                (e.get_kind_display(), e.note, e.recorded_by or "", e.recorded_at.strftime("%Y-%m-%d %H:%M"))
                for e in obj.identity_evidence.select_related("recorded_by")
            ),
        )
        state = missing_identity(obj) or gettext("Sufficient evidence is recorded.")
        link = ""
        if obj.is_open:
            link = format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:requests_request_identity", args=[obj.pk]),
                gettext("Record identity evidence"),
            )
        return format_html(
            "<p>{} {}</p><p><strong>{}</strong></p><ul>{}</ul>{}",
            gettext("Accepted for this right:"),
            accepted,
            state,
            recorded,
            link,
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        number = term.upper().removeprefix("R-")
        # Only ASCII digits: str.isdigit() also accepts "²" and other digits int() refuses.
        if number.isascii() and number.isdigit():
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
                            "erasure_choice",
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
        if change:
            obj._history_user = request.user
            # Only what this form changed: a full save would write the status and dates read when the
            # page was opened over a transition someone else saved meanwhile.
            fields = [name for name in form.changed_data if name in RequestChangeForm.Meta.fields]
            fields = [name for name in fields if not Request._meta.get_field(name).many_to_many]
            if fields:
                obj.save(update_fields=fields)
            return
        received = receive_request(
            **{name: getattr(obj, name) for name in self.add_form._meta.fields},
            by=request.user,
            verification_method=form.cleaned_data.get("verification_method", ""),
            verification_note=form.cleaned_data.get("verification_note", ""),
        )
        # The add view goes on with the form's instance (admin log, redirect): make it the stored request.
        vars(obj).update(vars(received))

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        customers_changed = "customers" in form.changed_data
        super().save_related(request, form, formsets, change)
        if change and customers_changed:
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
            path("<int:pk>/match/", wrap(self.match_view), name="requests_request_match"),
            path("<int:pk>/erasure/", wrap(self.erasure_view), name="requests_request_erasure"),
            path(
                "<int:pk>/erasure/confirm/",
                wrap(self.erasure_confirm_view),
                name="requests_request_erasure_confirm",
            ),
            path("<int:pk>/identity/", wrap(self.identity_view), name="requests_request_identity"),
            path(
                "<int:pk>/erasure-choice/",
                wrap(self.erasure_choice_view),
                name="requests_request_erasure_choice",
            ),
            path("<int:pk>/rights/<str:action>/", wrap(self.rights_view), name="requests_request_rights"),
            *super().get_urls(),
        ]

    def _get(self, request: HttpRequest, pk: int, permission: str = PROCESS_PERMISSION) -> Request:
        """Return the request for a button's view, refusing users without the permission."""
        if not (self.has_change_permission(request) and request.user.has_perm(permission)):
            raise PermissionDenied
        return self.get_request(request, pk)

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
            "confirm_no_data": gettext("Recorded that no data is held about the person."),
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
                elif action == "confirm_no_data":
                    confirm_no_data_held(obj, by=request.user)
        except TransitionError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, done[action], messages.SUCCESS)
        return self.back_to_request(obj.pk)

    def match_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Check whom the request concerns: candidates with what tells them apart, a search, and confirm.

        The search is posted, never put in the address: a name or an email in a URL reaches the logs.
        """
        from customers.models import Customer

        obj = self._get(request, pk)
        customer_admin = self.admin_site.get_model_admin(Customer)
        if not customer_admin.has_view_permission(request):
            raise PermissionDenied
        customers = customer_admin.get_queryset(request)
        term = request.POST.get("q", "").strip()[:200] if request.method == "POST" else ""
        if request.method == "POST" and "confirm" in request.POST:
            ids = [
                value for value in request.POST.getlist("customers") if value.isascii() and value.isdigit()
            ]
            try:
                obj.confirm_match(customers.filter(pk__in=ids).order_by("pk"), by=request.user)
            except TransitionError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, gettext("The customer match is confirmed."), messages.SUCCESS)
                return self.back_to_request(obj.pk)
        current = list(_with_last_order(customers.filter(pk__in=obj.customers.values("pk"))).order_by("pk"))
        # A letter names a customer by number, or by name and address: the structured search.
        structured = request.method == "POST" and any(
            request.POST.get(field, "").strip() for field in CustomerSearchForm.base_fields
        )
        form = CustomerSearchForm(request.POST if structured else None)
        results = None
        if term:
            results, _distinct = customer_admin.get_search_results(request, customers, term)
        elif structured and form.is_valid():
            results = customers.filter(pk__in=[customer.pk for customer in form.results(MATCH_RESULTS)])
        found = []
        if results is not None:
            found = [
                customer
                for customer in _with_last_order(results.order_by("last_name", "first_name", "pk"))[
                    :MATCH_RESULTS
                ]
                if customer.pk not in {c.pk for c in current}
            ]
        return self.request_page(
            request,
            obj,
            "admin/requests/request/match.html",
            gettext("Whom does %(number)s concern?") % {"number": obj.number},
            current=current,
            found=found,
            results=found,
            form=form,
            term=term,
            searched=bool(term) or structured,
            limit=MATCH_RESULTS,
        )

    def _run_form(self, request, obj, form_class, title, intro, apply, success) -> HttpResponse:
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                apply(form.cleaned_data)
            except TransitionError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, success, messages.SUCCESS)
                return self.back_to_request(obj.pk)
        return self.request_page(
            request, obj, "admin/requests/request/action_form.html", title, intro=intro, form=form
        )

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

    # --- erasure, restriction, objection, Art. 19 ---------------------------------------------

    def erasure_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Preview what erasure removes and retains; erasing is on its own confirmation page."""
        obj = self._get(request, pk)
        if obj.kind != Request.Kind.ERASURE:
            raise PermissionDenied
        can_erase = request.user.has_perm(ERASE_PERMISSION)
        if request.method == "POST":
            if not can_erase:
                raise PermissionDenied
            # Nothing is erased from the preview: the confirmation page asks for the customer number.
            return HttpResponseRedirect(reverse("admin:requests_request_erasure_confirm", args=[obj.pk]))
        return self.request_page(
            request,
            obj,
            "requests/privacy/erasure_preview.html",
            gettext("Preview erasure for %(number)s") % {"number": obj.number},
            plans=[
                preview_erasure(customer, obj.erasure_choice) for customer in obj.customers.order_by("pk")
            ],
            can_erase=can_erase and obj.is_open and obj.is_verified,
        )

    def erasure_confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Erase after an explicit confirmation: the retained list again and the typed customer number."""
        obj = self._get(request, pk, ERASE_PERMISSION)
        if obj.kind != Request.Kind.ERASURE:
            raise PermissionDenied
        customers = list(obj.customers.order_by("pk"))
        numbers = [customer.customer_number for customer in customers]
        form = ErasureConfirmForm(
            request.POST if request.method == "POST" else None, customer_numbers=numbers
        )
        if not customers:
            self.message_user(
                request, gettext("No customer is matched to this request. Confirm the customer match first.")
            )
            return HttpResponseRedirect(reverse("admin:requests_request_erasure", args=[obj.pk]))
        if request.method == "POST" and form.is_valid():
            try:
                records = erase_for_request(obj, by=request.user)
            except (ErasureBlocked, TransitionError) as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(count)d customer(s) erased; the customer was told what is retained.")
                    % {"count": len(records)},
                    messages.SUCCESS,
                )
            return self.back_to_request(obj.pk)
        plans = [preview_erasure(customer, obj.erasure_choice) for customer in customers]
        return self.request_page(
            request,
            obj,
            "requests/privacy/erasure_confirm.html",
            gettext("Erase %(numbers)s — this cannot be undone") % {"numbers": ", ".join(numbers)},
            customers=[(plan.customer, _plan_rows(plan)) for plan in plans],
            form=form,
            can_erase=obj.is_open and obj.is_verified and not any(plan.blocked for plan in plans),
        )

    def identity_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Record identity evidence seen by staff; an event in the request's trail."""
        obj = self._get(request, pk)
        accepted = ", ".join(str(Request.VerificationMethod(k).label) for k in obj.identity_accepted)
        intro = (
            gettext("This right needs one of: %(kinds)s.") % {"kinds": accepted}
            if accepted
            else gettext("Record how identity was confirmed, e.g. a signed letter or a visit.")
        )
        return self._run_form(
            request,
            obj,
            IdentityEvidenceForm,
            gettext("Record identity evidence for %(number)s") % {"number": obj.number},
            intro,
            lambda data: obj.record_identity_evidence(by=request.user, kind=data["kind"], note=data["note"]),
            gettext("The identity evidence is recorded."),
        )

    def erasure_choice_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Change delete/anonymise with a reason (an event in the request's trail)."""
        obj = self._get(request, pk)
        if obj.kind != Request.Kind.ERASURE:
            raise PermissionDenied
        return self._run_form(
            request,
            obj,
            ErasureChoiceForm,
            gettext("Delete or anonymise: %(number)s") % {"number": obj.number},
            gettext("The customer chose: %(choice)s. Change it only when the customer said otherwise.")
            % {"choice": obj.get_erasure_choice_display()},
            lambda data: obj.change_erasure_choice(data["choice"], by=request.user, reason=data["reason"]),
            gettext("The choice is changed; the reason is in the request's trail."),
        )

    def rights_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        """One-click steps of restriction, objection, withdrawal and Art. 19; POST only (CSRF)."""
        if request.method != "POST":
            return HttpResponse(status=405)
        obj = self._get(request, pk)
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
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return self.back_to_request(obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["can_process"] = self.has_process_permission(request)
        extra_context["can_reject"] = request.user.has_perm(REJECT_PERMISSION)
        extra_context["due_soon_days"] = deadlines.DUE_SOON_DAYS
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["match_candidates"] = list(_with_last_order(obj.customers.order_by("pk")))
            reports = obj.reports.select_related("released_by").annotate(download_count=Count("downloads"))
            reports = list(reports)
            sends = link_sends(reports)
            extra_context["report_rows"] = [(report, sends.get(report.pk, [])) for report in reports]
        if obj is not None and obj.status == Request.Status.IN_PROGRESS:
            # Shown beside the Complete button: what the request still needs (requests.fulfilment).
            extra_context["missing_for_completion"] = missing_for_completion(obj)
        return super().change_view(request, object_id, form_url, extra_context)
