"""The breach register in the admin: records with their 72-hour clock, notifications, exports.

Nobody deletes a breach record here, superusers included (GDPR Art. 33(5): every breach is
documented); past versions are shown read-only (``HistoryAdmin``).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from breaches import audit, notices
from breaches.authorities import FORM_LANGUAGE, authority_form
from breaches.clock import clock_html
from breaches.models import Breach, BreachNotice, BreachNotification
from register.admin_base import HistoryAdmin, NoDeleteAdminMixin, ReadOnlyAdmin, TabularInline
from register.models import shop_country

NOTIFY_PERMISSION = "breaches.notify_subjects"


class BreachNotificationInline(NoDeleteAdminMixin, TabularInline):
    """Stages of the notification: added here, then kept as recorded (a correction is a new stage)."""

    model = BreachNotification
    extra = 0
    can_delete = False
    fields = ["stage", "notified_at", "reference", "summary", "delay_reasons", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("recorded_by")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Breach)
class BreachAdmin(NoDeleteAdminMixin, HistoryAdmin):
    list_display = ["number", "title", "aware_at", "risk", "clock", "notices_sent"]
    list_filter = ["risk"]
    search_fields = ["title"]
    date_hierarchy = "aware_at"
    readonly_fields = ["clock", "recorded_by", "recorded_at", "authority_forms", "notices_sent"]
    fieldsets = [
        (None, {"fields": ["title", "clock", "authority_forms"]}),
        (
            _("What happened"),
            {
                "fields": [
                    ("occurred_from", "occurred_to", "occurred_unknown"),
                    "aware_at",
                    "description",
                    "data_categories",
                    "subject_categories",
                    ("approx_subjects", "approx_records"),
                    "consequences",
                    "measures_taken",
                    "measures_proposed",
                    "dpo_contact",
                ]
            },
        ),
        (
            _("Risk and notification (GDPR Art. 33, 34)"),
            {
                "fields": [
                    "risk",
                    "risk_reasoning",
                    "authority_not_notified_reason",
                    "subjects_notified_at",
                    "subjects_not_notified_reason",
                    "notices_sent",
                ]
            },
        ),
        (
            _("Notice to customers (GDPR Art. 34), in plain language"),
            {"fields": ["notice_sv", "notice_fi", "notice_nb", "notice_en"]},
        ),
        (None, {"fields": ["closed_at", "recorded_by", "recorded_at"]}),
    ]

    def get_queryset(self, request: HttpRequest):
        # The clock reads each breach's notifications and the notices column their count: both come
        # with the page's breaches, not once per row. The count reads the notices of the breaches
        # shown (by their index), never every notice of the register.
        notices = (
            BreachNotice.objects.filter(breach=OuterRef("pk"))
            .order_by()
            .values("breach")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related("notifications")
            .annotate(notice_count=Coalesce(Subquery(notices), 0))
        )

    def get_inlines(self, request, obj):
        # Notifications are checked against the breach's own clock, so the breach is saved first.
        return [BreachNotificationInline] if obj is not None else []

    @admin.display(description=_("72-hour clock"))
    def clock(self, obj: Breach) -> str:
        return clock_html(obj) if obj.pk else "–"

    @admin.display(description=_("notices to customers"))
    def notices_sent(self, obj: Breach) -> str:
        if not obj.pk:
            return "–"
        count = getattr(obj, "notice_count", None)
        if count is None:
            count = obj.notices.count()
        url = reverse("admin:breaches_breachnotice_changelist") + f"?breach__id__exact={obj.pk}"
        link = reverse("admin:breaches_breach_notify", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            url,
            gettext("%(count)d sent") % {"count": count},
            link,
            gettext("Select customers and send"),
        )

    @admin.display(description=_("notification forms"))
    def authority_forms(self, obj: Breach) -> str:
        if not obj.pk:
            return "–"
        base = reverse("admin:breaches_breach_export", args=[obj.pk])
        links = [format_html('<a href="{}?country={}">{}</a>', base, code, code) for code in FORM_LANGUAGE]
        return format_html(" · ".join(["{}"] * len(links)), *links)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for notification in formset.save(commit=False):
            notification.recorded_by = request.user
            notification.save()

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/export/", wrap(self.export_view), name="breaches_breach_export"),
            path("<int:pk>/notify/", wrap(self.notify_view), name="breaches_breach_notify"),
            path("audit/requests/", wrap(self.audit_requests_view), name="breaches_breach_audit_requests"),
            path("audit/consents/", wrap(self.audit_consents_view), name="breaches_breach_audit_consents"),
            *super().get_urls(),
        ]

    def _breach(self, request: HttpRequest, pk: int) -> Breach:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Breach, pk=pk)

    def page(self, request: HttpRequest, template: str, title: str, **context) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "opts": Breach._meta, "title": title, **context}
        return TemplateResponse(request, template, context)

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The breach as the authority's notification form asks it: a page, or ``?format=text``."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        breach = self._breach(request, pk)
        country = request.GET.get("country", "")
        if country not in FORM_LANGUAGE:
            country = shop_country()
        form = authority_form(breach, country)
        if request.GET.get("format") == "text":
            response = HttpResponse(form.as_text(), content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="breach-{breach.pk}-{country}.txt"'
            return response
        return self.page(
            request,
            "breaches/export.html",
            gettext("Notification form of %(breach)s") % {"breach": breach.number},
            original=breach,
            form=form,
            countries=list(FORM_LANGUAGE),
        )

    def notify_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Select the customers concerned, preview the notice in their languages, and send it (Art. 34)."""
        breach = self._breach(request, pk)
        if not request.user.has_perm(NOTIFY_PERMISSION):
            raise PermissionDenied
        selection = notices.SelectionForm(request.POST or None, request.FILES or None)
        previews = None
        numbers_text = ""
        if request.method == "POST" and selection.is_valid():
            customers = selection.customers()
            numbers_text = "\n".join(selection.numbers())
            if "told_otherwise" in request.POST:
                recorded = notices.record_told_otherwise(breach, customers, by=request.user)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d customer without an email address is recorded as told another way.",
                        "%(count)d customers without an email address are recorded as told another way.",
                        recorded,
                    )
                    % {"count": recorded},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:breaches_breach_change", args=[breach.pk]))
            if "send" in request.POST:
                try:
                    sent = notices.send_notices(breach, customers, by=request.user)
                except notices.NoticeTextMissing as exc:
                    self.message_user(
                        request,
                        gettext(
                            "Write the notice in every language of the customers selected: %(languages)s."
                        )
                        % {"languages": exc},
                        messages.ERROR,
                    )
                else:
                    self.message_user(
                        request,
                        gettext(
                            "The notice was queued to %(count)d customers; those already told were skipped."
                        )
                        % {"count": sent},
                        messages.SUCCESS,
                    )
                    passed_by = notices.without_email(breach, customers).count()
                    if passed_by:
                        self.message_user(
                            request,
                            ngettext(
                                "%(count)d customer concerned has no email address and was not told: tell "
                                "them another way, or by a public communication (GDPR Art. 34(3)(c)).",
                                "%(count)d customers concerned have no email address and were not told: tell "
                                "them another way, or by a public communication (GDPR Art. 34(3)(c)).",
                                passed_by,
                            )
                            % {"count": passed_by},
                            messages.WARNING,
                        )
                    return HttpResponseRedirect(reverse("admin:breaches_breach_change", args=[breach.pk]))
            previews = notices.preview(breach, customers)
            unreachable = notices.without_email(breach, customers)
            unreachable_count = unreachable.count()
            unreachable_numbers = list(
                unreachable.values_list("customer_number", flat=True)[: notices.UNREACHABLE_SHOWN]
            )
        else:
            unreachable_count, unreachable_numbers = 0, []
        return self.page(
            request,
            "breaches/notify.html",
            gettext("Tell the customers concerned of %(breach)s") % {"breach": breach.number},
            original=breach,
            selection=selection,
            previews=previews,
            numbers_text=numbers_text,
            unreachable_count=unreachable_count,
            unreachable_numbers="\n".join(unreachable_numbers),
            unreachable_more=unreachable_count - len(unreachable_numbers),
        )

    def _require_audit(self, request: HttpRequest) -> None:
        if not request.user.has_perm(audit.PERMISSION):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied  # the exports only read

    def audit_requests_view(self, request: HttpRequest) -> HttpResponse:
        """Requests of a period as CSV or JSON, for an audit (GDPR Art. 5(2), 24)."""
        self._require_audit(request)
        form = audit.PeriodForm(request.GET or None)
        if form.is_bound and form.is_valid():
            return audit.requests_response(
                form.cleaned_data["start"], form.cleaned_data["end"], request.GET.get("format")
            )
        return self.page(
            request,
            "breaches/audit.html",
            gettext("Export requests for an audit"),
            form=form,
            kind="requests",
        )

    def audit_consents_view(self, request: HttpRequest) -> HttpResponse:
        """The consent ledger of a purpose and period as CSV, with the notice version of each event."""
        self._require_audit(request)
        form = audit.ConsentPeriodForm(request.GET or None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            return audit.consents_response(data["purpose"], data["start"], data["end"])
        return self.page(
            request,
            "breaches/audit.html",
            gettext("Export the consent ledger for an audit"),
            form=form,
            kind="consents",
        )


@admin.register(BreachNotice)
class BreachNoticeAdmin(ReadOnlyAdmin):
    list_display = ["breach", "customer", "language", "channel", "sent_at", "sent_by"]
    # By date with fixed periods: a date hierarchy lists the distinct days of every notice sent.
    list_filter = ["breach", "channel", ("sent_at", admin.DateFieldListFilter)]
    list_select_related = ["breach", "customer", "sent_by"]
    raw_id_fields = ["customer"]
    fields = ["breach", "customer", "language", "channel", "sent_at", "sent_by"]
