from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from register.admin_base import (
    HistoryAdmin,
    ReadOnlyAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    StackedInline,
    StrictAdminMixin,
    TabularInline,
)
from register.models import (
    BookkeepingPeriod,
    ContactPerson,
    Controller,
    Cookie,
    DataCategory,
    HeldRecord,
    IdentityRule,
    NoticeVersion,
    ProtectionPrinciple,
    PurgeRuleResult,
    PurgeRun,
    Purpose,
    Recipient,
    Register,
    RetentionRule,
    RightsChannel,
    Source,
    StatutoryHold,
)
from register.publishing import RegisterIncomplete, check_publication, publish
from register.record import build_record, record_csv
from register.translation import LANGUAGE_CODES

PUBLISH_PERMISSION = "register.publish_register"


class PublishConfirmForm(forms.Form):
    """The DPO's explicit yes before a version of the notice goes public for good."""

    confirmed = forms.BooleanField(
        label=_("I have checked the notice and want to publish it now; the version cannot be changed."),
        required=True,
    )


def languages(name: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Lay out a translated text's four columns as two rows of two."""
    sv, fi, nb, en = (f"{name}_{code}" for code in LANGUAGE_CODES)
    return ((sv, fi), (nb, en))


# Links typed without a scheme are meant as https (the default changes in Django 6.0).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class PartInline(StackedInline):
    extra = 0
    show_change_link = True
    formfield_overrides = URL_FIELDS


def register_parts_only(request: HttpRequest, model, kwargs: dict, what) -> dict:
    """Offer only the parts of the register being edited, and say why a new register offers none.

    On the add page the register has no parts yet: the field stays empty with a note that the
    register must be saved first. On the change page parts added in the same form are not saved
    yet either, so they can be chosen after saving.
    """
    register_id = request.resolver_match.kwargs.get("object_id")
    if register_id:
        kwargs["queryset"] = model.objects.filter(register_id=register_id)
        kwargs["help_text"] = format_lazy(
            "{} {}", what, _("Those added on this page can be chosen after saving.")
        )
    else:
        kwargs["queryset"] = model.objects.none()
        kwargs["help_text"] = _(
            "Save the register first: its data categories can be linked to purposes and retention rules "
            "once the register and they are saved."
        )
    return kwargs


def choices_read_once(field):
    """Read a many-to-many field's choices when the form class is made, so every inline row shares them.

    Left lazy, each row's form of an inline reads the same choices again: a query per row.
    """
    if field is not None:
        field.choices = list(field.choices)
    return field


class ControllerInline(PartInline):
    model = Controller
    fields = [
        ("name", "position"),
        ("business_id_kind", "business_id"),
        ("street_address", "postal_code", "city"),
        ("region", "country"),
        ("phone", "email", "website"),
        "staff_note",
    ]


class ContactInline(PartInline):
    model = ContactPerson
    fields = [
        ("name", "role", "position"),
        ("emails", "phones"),
        ("street_address", "postal_code", "city"),
        ("region", "country"),
        "staff_note",
    ]


class PurposeInline(PartInline):
    model = Purpose
    fields = [
        *languages("text"),
        ("legal_basis", "is_direct_marketing", "position"),
        "needs_recipient_kind",
        *languages("basis_detail"),
        *languages("legitimate_interest"),
        "staff_note",
    ]


class CategoryInline(PartInline):
    model = DataCategory
    fields = [
        *languages("name"),
        *languages("description"),
        ("provided_by_customer", "position"),
        "purposes",
        "staff_note",
    ]
    filter_horizontal = ["purposes"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("purposes")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "purposes":
            kwargs = register_parts_only(request, Purpose, kwargs, _("The register's saved purposes."))
        return choices_read_once(super().formfield_for_manytomany(db_field, request, **kwargs))


class SourceInline(PartInline):
    model = Source
    fields = [*languages("text"), ("position", "staff_note")]


class RecipientForm(forms.ModelForm):
    """The webhook secret is write-only: typed once, never shown again in full (only its last characters)."""

    webhook_secret = forms.CharField(
        label=_("webhook signing secret"),
        required=False,
        strip=True,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Recipient
        fields = ["webhook_secret"]  # the admin adds the rest of its fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_secret = self.instance.webhook_secret if self.instance.pk else ""
        current = self.instance.masked_webhook_secret if self.instance.pk else ""
        field = self.fields.get("webhook_secret")
        if field is None:  # a read-only page (a past version) shows no secret at all
            return
        field.help_text = (
            format_lazy(
                _(
                    "A secret is saved (ending {ending}). Leave empty to keep it; "
                    "type a new one to replace it."
                ),
                ending=current,
            )
            if current
            else _(
                "At least 24 random characters, shared with the receiver, which checks the signature of "
                "every event with it (docs/operations.md). Shown only while you type it."
            )
        )

    def clean_webhook_secret(self) -> str:
        # Empty keeps the saved secret; the field never sends it back to the browser.
        return self.cleaned_data.get("webhook_secret") or self._saved_secret


class MaskedSecretMixin:
    """Where the secret would be shown as text (view-only staff, past versions), show its ending only."""

    def _shows_secret_as_text(self, request, obj) -> bool:
        return getattr(request, "showing_past_version", False) or not self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self._shows_secret_as_text(request, obj):
            return fields

        def masked(name):
            return "masked_webhook_secret" if name == "webhook_secret" else name

        return [tuple(map(masked, f)) if isinstance(f, list | tuple) else masked(f) for f in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "masked_webhook_secret"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if self._shows_secret_as_text(request, obj):
            form.base_fields.pop("webhook_secret", None)  # a fresh class: RecipientForm keeps its field
        return form

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if self._shows_secret_as_text(request, obj):
            formset.form.base_fields.pop("webhook_secret", None)
        return formset

    @admin.display(description=_("webhook signing secret"))
    def masked_webhook_secret(self, obj) -> str:
        return obj.masked_webhook_secret if obj is not None else ""


class RecipientInline(MaskedSecretMixin, PartInline):
    model = Recipient
    form = RecipientForm
    fields = [
        *languages("name"),
        *languages("description"),
        ("kind", "country", "outside_eea", "position"),
        "safeguard",
        *languages("safeguard_text"),
        ("receives_customer_data", "email"),
        ("webhook_url", "webhook_secret"),
        "staff_note",
    ]


class CookieInline(PartInline):
    model = Cookie
    fields = [
        ("provider", "name", "category", "third_country"),
        *languages("purpose"),
        *languages("duration"),
        ("info_url", "position"),
        "staff_note",
    ]


class ProtectionInline(PartInline):
    model = ProtectionPrinciple
    fields = [*languages("text"), ("position", "staff_note")]


class RetentionInline(PartInline):
    model = RetentionRule
    fields = [
        "categories",
        "rule",
        ("period_amount", "period_unit", "counts_from", "action"),
        *languages("description"),
        ("position", "staff_note"),
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("categories")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs = register_parts_only(
                request, DataCategory, kwargs, _("The register's saved data categories.")
            )
        return choices_read_once(super().formfield_for_manytomany(db_field, request, **kwargs))


class RightsChannelInline(PartInline):
    model = RightsChannel
    fields = [("right", "channel", "value", "position"), *languages("note"), "staff_note"]


class IdentityRuleInline(PartInline):
    model = IdentityRule
    fields = [
        ("right", "position"),
        (
            "accepts_email_link",
            "accepts_customer_account",
            "accepts_signed_document",
            "accepts_personal_visit",
            "accepts_other",
        ),
        *languages("note"),
        "staff_note",
    ]


@admin.register(Register)
class RegisterAdmin(HistoryAdmin):
    change_form_template = "register/admin/register_change_form.html"
    list_display = ["__str__", "country", "language", "is_current", "latest_version"]
    actions = ["publish_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    *languages("name"),
                    ("country", "language", "drawn_up_on", "is_current"),
                    "published_languages",
                ]
            },
        ),
        (_("Introduction and data subjects"), {"fields": [*languages("intro"), *languages("data_subjects")]}),
        (
            _("Disclosures, transfers and cookies"),
            {
                "fields": [
                    "no_regular_disclosures",
                    *languages("disclosures"),
                    *languages("transfers"),
                    *languages("cookies_intro"),
                ]
            },
        ),
        (
            _("Other information required by GDPR Art. 13(2)"),
            {
                "fields": [
                    *languages("provision_requirement"),
                    *languages("automated_decisions"),
                    *languages("rights_intro"),
                    *languages("changes"),
                ]
            },
        ),
        (_("Staff"), {"fields": ["staff_note"]}),
    ]
    inlines = [
        ControllerInline,
        ContactInline,
        PurposeInline,
        CategoryInline,
        SourceInline,
        RecipientInline,
        CookieInline,
        ProtectionInline,
        RetentionInline,
        RightsChannelInline,
        IdentityRuleInline,
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(latest_number=Max("versions__number"))

    @admin.display(description=_("latest published version"), ordering="latest_number")
    def latest_version(self, obj: Register) -> str:
        return str(obj.latest_number) if obj.latest_number else "—"

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    @admin.action(description=_("Publish the selected register description"), permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset):
        """Lead to the publish page, which asks for confirmation: a version is shown to customers at once."""
        registers = list(queryset.order_by("pk")[:2])
        if len(registers) != 1:
            self.message_user(
                request, gettext("Select one register description to publish."), messages.WARNING
            )
            return None
        register = registers[0]
        if not check_publication(register).publishable:
            # The refusal with its list of what to fix, as the publish page itself would give it.
            self._publish(request, register)
            return None
        return HttpResponseRedirect(reverse("admin:register_register_publish", args=[register.pk]))

    def _publish(self, request: HttpRequest, register: Register) -> bool:
        try:
            version = publish(register, by=request.user)
        except RegisterIncomplete as exc:
            # A refusal is an error, never a success message: the list says what to fix, with links.
            self.message_user(
                request,
                render_to_string(
                    "register/admin/publication_refused.html",
                    {"register": register, "check": exc.check},
                    request=request,
                ),
                messages.ERROR,
            )
            return False
        self.message_user(
            request,
            gettext("Published version %(number)s of the privacy notice.") % {"number": version.number},
            messages.SUCCESS,
        )
        return True

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/publish/", wrap(self.publish_view), name="register_register_publish"),
            path("<int:object_id>/record/", wrap(self.record_view), name="register_register_record"),
            path(
                "<int:object_id>/record.csv", wrap(self.record_csv_view), name="register_register_record_csv"
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["publication_check"] = check_publication(obj)
            context["can_publish"] = self.has_publish_permission(request)
            context["versions"] = obj.versions.order_by("-number")[:5]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def publish_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """GET: what is missing and what publishing means; POST: publish."""
        if not self.has_publish_permission(request):
            raise PermissionDenied
        register = get_object_or_404(Register, pk=object_id)
        check = check_publication(register)
        confirm = PublishConfirmForm(request.POST if request.method == "POST" else None)
        # An incomplete register is refused with its list whatever was ticked; a complete one is
        # published only when the DPO confirms (a version can never be changed).
        if request.method == "POST" and (confirm.is_valid() or not check.publishable):
            published = self._publish(request, register)
            if published:
                return HttpResponseRedirect(reverse("admin:register_noticeversion_changelist"))
            return HttpResponseRedirect(reverse("admin:register_register_change", args=[register.pk]))
        context = {
            "confirm_form": confirm,
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": register,
            "title": gettext("Publish the privacy notice"),
            "check": check,
            "languages": ", ".join(
                str(name) for code, name in settings.LANGUAGES if code in register.publishing_languages()
            ),
            "next_number": (
                NoticeVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0
            )
            + 1,
        }
        return TemplateResponse(request, "register/admin/publish.html", context)

    def _record_register(self, request: HttpRequest, object_id: int) -> Register:
        # The record of processing is for staff who may read the register (GDPR Art. 30(4):
        # made available to the supervisory authority on request).
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Register, pk=object_id)

    def record_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        register = self._record_register(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": register,
            "title": gettext("Record of processing activities (GDPR Art. 30)"),
            "record": build_record(register),
        }
        return TemplateResponse(request, "register/admin/record.html", context)

    def record_csv_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        register = self._record_register(request, object_id)
        response = HttpResponse(record_csv(build_record(register)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="record-of-processing.csv"'
        return response


class PartAdmin(HistoryAdmin):
    """Each part also has its own page, where its history can be read."""

    list_select_related = ["register"]
    list_filter = ["register"]
    formfield_overrides = URL_FIELDS


@admin.register(Controller)
class ControllerAdmin(PartAdmin):
    list_display = ["name", "business_id", "city", "register"]
    search_fields = ["name", "business_id"]


@admin.register(ContactPerson)
class ContactPersonAdmin(PartAdmin):
    list_display = ["name", "role", "register"]
    search_fields = ["name"]


@admin.register(Purpose)
class PurposeAdmin(PartAdmin):
    list_display = ["__str__", "legal_basis", "is_direct_marketing", "register"]
    list_filter = ["register", "legal_basis", "is_direct_marketing"]


@admin.register(DataCategory)
class DataCategoryAdmin(PartAdmin):
    list_display = ["__str__", "provided_by_customer", "register"]
    filter_horizontal = ["purposes"]


@admin.register(Source)
class SourceAdmin(PartAdmin):
    list_display = ["__str__", "register"]


@admin.register(Recipient)
class RecipientAdmin(MaskedSecretMixin, PartAdmin):
    list_display = [
        "__str__",
        "kind",
        "country",
        "outside_eea",
        "safeguard",
        "receives_customer_data",
        "email",
        "webhook_url",
    ]
    list_filter = ["register", "kind", "outside_eea", "receives_customer_data"]
    form = RecipientForm
    fields = ["register", *RecipientInline.fields]


@admin.register(Cookie)
class CookieAdmin(PartAdmin):
    list_display = ["provider", "name", "category", "third_country", "register"]
    list_filter = ["register", "category"]


@admin.register(ProtectionPrinciple)
class ProtectionPrincipleAdmin(PartAdmin):
    list_display = ["__str__", "register"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(PartAdmin):
    list_display = ["__str__", "covered_categories", "action", "rule", "register"]
    list_filter = ["register", "rule", "action"]
    filter_horizontal = ["categories"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("data categories"))
    def covered_categories(self, obj: RetentionRule) -> str:
        return ", ".join(str(category) for category in obj.categories.all()) or "—"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories" and (rule_id := request.resolver_match.kwargs.get("object_id")):
            register_id = RetentionRule.objects.filter(pk=rule_id).values("register_id")
            kwargs["queryset"] = DataCategory.objects.filter(register_id__in=register_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(RightsChannel)
class RightsChannelAdmin(PartAdmin):
    list_display = ["right", "channel", "value", "register"]
    list_filter = ["register", "right", "channel"]


@admin.register(IdentityRule)
class IdentityRuleAdmin(PartAdmin):
    list_display = ["right", "register"]
    list_filter = ["register", "right"]


@admin.register(BookkeepingPeriod)
class BookkeepingPeriodAdmin(HistoryAdmin):
    list_display = ["country", "kind", "years", "counts_from", "statute"]
    list_filter = ["country", "kind"]


class StatutoryHoldForm(forms.ModelForm):
    records = forms.MultipleChoiceField(
        label=_("records kept"),
        choices=HeldRecord.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Which records of an order the statute keeps."),
    )

    class Meta:
        model = StatutoryHold
        fields = [
            "country",
            "kind",
            "statute",
            "records",
            "counts_from",
            "period_amount",
            "period_unit",
            "condition",
            "keeps_identifiers",
            "is_active",
            "needs_review",
            "note",
        ]


@admin.register(StatutoryHold)
class StatutoryHoldAdmin(HistoryAdmin):
    """Statutes besides bookkeeping law that keep records after an erasure request (docs/legal.md).

    The data-protection officer edits them; customer service may only read them.
    """

    form = StatutoryHoldForm
    list_display = [
        "country_or_every",
        "kind",
        "statute",
        "records_kept",
        "period",
        "is_active",
        "needs_review",
    ]
    list_filter = ["country", "kind", "is_active", "needs_review"]
    fieldsets = [
        (None, {"fields": ["country", "kind", "statute", "records"]}),
        (_("How long"), {"fields": ["counts_from", ("period_amount", "period_unit"), "condition"]}),
        (_("How"), {"fields": ["keeps_identifiers", "is_active", "needs_review", "note"]}),
    ]
    past_version_displays = {"records": "records_kept"}

    @admin.display(description=_("country"), ordering="country")
    def country_or_every(self, obj: StatutoryHold) -> str:
        return obj.get_country_display() if obj.country else gettext("Every country")

    @admin.display(description=_("records kept"))
    def records_kept(self, obj: StatutoryHold) -> str:
        return obj.records_text()

    @admin.display(description=_("period"))
    def period(self, obj: StatutoryHold) -> str:
        return obj.period_text()


@admin.register(NoticeVersion)
class NoticeVersionAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Published notices are evidence (GDPR Art. 7(1), 13): read-only for everyone."""

    list_display = ["number", "published_at", "published_by", "public_link"]
    list_select_related = ["published_by"]
    fields = ["number", "register", "published_at", "published_by", "public_link"]
    readonly_fields = fields
    date_hierarchy = "published_at"

    @admin.display(description=_("public page"))
    def public_link(self, obj: NoticeVersion) -> str:
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), obj)


# --- Retention runs ---


class PurgeRuleResultInline(ReadOnlyInlineMixin, TabularInline):
    model = PurgeRuleResult
    fields = [
        "rule",
        "status",
        "period_shown",
        "total",
        "oldest",
        "counts_table",
        "failed",
        "failed_ids",
        "error",
        "started_at",
        "finished_at",
    ]

    @admin.display(description=_("period"))
    def period_shown(self, obj: PurgeRuleResult) -> str:
        return obj.period_text()

    @admin.display(description=_("counts per table"))
    def counts_table(self, obj: PurgeRuleResult) -> str:
        return format_html_join(
            "", "<div>{}: {}</div>", ((label, count) for label, count in sorted(obj.counts.items()))
        )


@admin.register(PurgeRun)
class PurgeRunAdmin(ReadOnlyAdmin):
    """Reports of the retention job: written by ``purge_expired`` only, read-only for everyone."""

    list_display = ["__str__", "started_at", "finished_at", "dry_run", "status", "rows", "host"]
    list_filter = ["status", "dry_run"]
    date_hierarchy = "started_at"
    fields = ["started_at", "finished_at", "dry_run", "status", "host", "command", "batch_size"]
    readonly_fields = fields
    inlines = [PurgeRuleResultInline]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(row_total=Sum("results__total"))

    @admin.display(description=_("rows"), ordering="row_total")
    def rows(self, obj: PurgeRun) -> int:
        return obj.row_total or 0


# The task library's own list of task rows is not a staff page: the outgoing-message queue
# (register/admin_outbox.py) shows what staff need, in their language.
from django_tasks_db.models import DBTaskResult  # noqa: E402

from register import admin_outbox  # noqa: E402, F401  (registers the outgoing-message admin)

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


# Staff accounts and groups get the same strict lists as every other admin page.
class UserAdmin(StrictAdminMixin, auth_admin.UserAdmin):
    pass


class GroupAdmin(StrictAdminMixin, auth_admin.GroupAdmin):
    pass


for model, model_admin in ((User, UserAdmin), (Group, GroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
