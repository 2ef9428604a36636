"""Rectifications (GDPR Art. 16): the proposals and applied corrections, and the review page."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from register.admin_base import ReadOnlyAdmin
from requests.admin.base import RECTIFY_PERMISSION, RequestPagesMixin
from requests.forms import RectificationDeclineForm, RectificationReviewForm
from requests.fulfilment import decline_rectifications
from requests.models import RectificationChange, Request, TransitionError
from requests.rectification import RECTIFIABLE_FIELDS, apply_rectification, diff_rows, open_proposal_fields


class FieldFilter(admin.SimpleListFilter):
    """Filter by corrected field, each named in the reader's language."""

    title = _("field")
    parameter_name = "field"

    def lookups(self, request, model_admin):
        return list(RECTIFIABLE_FIELDS.items())

    def queryset(self, request, queryset):
        if self.value() in RECTIFIABLE_FIELDS:
            return queryset.filter(field=self.value())
        return queryset


@admin.register(RectificationChange)
class RectificationChangeAdmin(RequestPagesMixin, ReadOnlyAdmin):
    """Applied and proposed corrections (read-only); the review page applies them."""

    list_display = ["request", "customer", "field_name", "staff_edited", "applied_at", "applied_by"]
    list_filter = [FieldFilter, "staff_edited"]
    # The field by its name in the reader's language, not its code.
    exclude = ["field"]
    readonly_fields = ["field_name"]
    list_select_related = ["request", "customer", "applied_by"]
    raw_id_fields = ["request", "customer"]

    @admin.display(description=_("field"), ordering="field")
    def field_name(self, change: RectificationChange) -> str:
        return change.field_label()

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
        obj = self.get_request(request, request_pk, kind=Request.Kind.RECTIFICATION)
        customers = list(obj.customers.order_by("pk"))
        customer = None
        wanted = request.GET.get("customer") or request.POST.get("customer")
        for candidate in customers:
            if not wanted or str(candidate.pk) == wanted:
                customer = candidate
                break
        rows = diff_rows(obj, customer) if customer else []
        open_proposals = [(name, str(RECTIFIABLE_FIELDS[name])) for name in open_proposal_fields(obj)]
        decline_form = RectificationDeclineForm(
            request.POST if "decline" in request.POST else None, choices=open_proposals
        )
        if decline_form.is_bound and decline_form.is_valid():
            try:
                count = decline_rectifications(
                    obj,
                    decline_form.cleaned_data["fields_declined"],
                    by=request.user,
                    reason=decline_form.cleaned_data["reason"],
                )
            except TransitionError as exc:
                decline_form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d proposal recorded as not applied.",
                        "%(count)d proposals recorded as not applied.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
                return self.back_to_request(obj.pk)
        form = RectificationReviewForm(None if decline_form.is_bound else (request.POST or None), rows=rows)
        if (
            request.method == "POST"
            and customer is not None
            and form.is_valid()
            and "confirm" not in request.POST
        ):
            # Applying writes over the customer's data: show what changes, and apply only when confirmed.
            labels = {row["field"]: row for row in rows}
            changes = [
                {"label": labels[name]["label"], "current": labels[name]["current"], "new": value}
                for name, value in form.values().items()
            ]
            return self.request_page(
                request,
                obj,
                "requests/rectification/confirm.html",
                gettext("Apply the corrections of %(number)s to customer %(customer)s?")
                % {"number": obj.number, "customer": customer.customer_number},
                customer=customer,
                form=form,
                changes=changes,
                statement=form.cleaned_data["statement"],
            )
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
                return self.back_to_request(obj.pk)
        return self.request_page(
            request,
            obj,
            "requests/rectification/review.html",
            gettext("Rectification of %(number)s") % {"number": obj.number},
            customers=customers,
            customer=customer,
            form=form,
            rows=[(row, form[f"value_{row['field']}"]) for row in rows],
            applied=obj.rectifications.filter(applied_at__isnull=False).select_related("applied_by"),
            declined=obj.rectifications.filter(rejected_at__isnull=False).select_related("rejected_by"),
            decline_form=decline_form if open_proposals else None,
        )
