"""API keys, webhook integrations and the delivery log, for the data-protection officer only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from api.models import ApiKey, Integration, Scope, WebhookDelivery
from register.admin_base import ModelAdmin, NoDeleteAdminMixin, ReadOnlyAdmin


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes"]


@admin.register(ApiKey)
class ApiKeyAdmin(NoDeleteAdminMixin, ModelAdmin):
    """Keys are created here and shown once; afterwards only their prefix is known. Revoking is final."""

    form = ApiKeyForm
    list_display = ["name", "prefix", "scope_list", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["created_by"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes or [])

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("api.revoke_apikey")

    def save_model(self, request, obj: ApiKey, form, change) -> None:
        if not change:
            obj.created_by = request.user
            self._new_key = obj.issue()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The key exists only in this response: it is never stored, logged or put in a message cookie.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Copy the new API key now"),
            "api_key": obj,
            "secret": self._new_key,
        }
        response = TemplateResponse(request, "admin/api/apikey_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected API keys"), permissions=["revoke"])
    def revoke(self, request, queryset) -> None:
        count = sum(key.revoke() for key in queryset)
        self.message_user(
            request,
            ngettext("%(count)d API key revoked.", "%(count)d API keys revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


class IntegrationForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("webhook secret"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=Integration._meta.get_field("secret").help_text,
    )

    class Meta:
        model = Integration
        fields = ["name", "kind", "shop_domain", "secret", "active"]

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret", "")
        if not secret and self.instance.pk:
            return self.instance.secret  # left empty: keep the secret already set
        if len(secret) < 16:
            raise forms.ValidationError(gettext("Paste the whole secret (at least 16 characters)."))
        return secret


@admin.register(Integration)
class IntegrationAdmin(NoDeleteAdminMixin, ModelAdmin):
    form = IntegrationForm
    list_display = ["name", "kind", "shop_domain", "active", "webhook_address"]
    list_filter = ["kind", "active"]
    readonly_fields = ["webhook_address", "created_at"]

    @admin.display(description=_("webhook address"))
    def webhook_address(self, obj: Integration) -> str:
        if not obj.pk:
            return gettext("Shown once saved.")
        return format_html("<code>{}</code>", self.request.build_absolute_uri(obj.get_webhook_path()))

    def get_queryset(self, request):
        self.request = request
        return super().get_queryset(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        self.request = request
        return super().get_form(request, obj, change, **kwargs)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "integration", "topic", "delivery_id", "outcome", "detail"]
    list_filter = ["outcome", "integration"]
    list_select_related = ["integration"]
    search_fields = ["=delivery_id"]
    fields = ["integration", "topic", "delivery_id", "received_at", "outcome", "detail", "body"]
    readonly_fields = fields
