"""Staff forms of the customers app."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import ConsentEvent, ConsentPurpose


class StaffConsentForm(forms.Form):
    """A consent or opt-out received by phone, letter, email or in the shop (GDPR Art. 7(1), 7(3))."""

    purpose = forms.ModelChoiceField(label=_("Purpose"), queryset=ConsentPurpose.objects.order_by("code"))
    action = forms.ChoiceField(
        label=_("The customer"),
        choices=[
            (ConsentEvent.Action.GRANTED, _("gave consent")),
            (ConsentEvent.Action.WITHDRAWN, _("withdrew consent (opted out)")),
        ],
    )
    via = forms.ChoiceField(
        label=_("Received by"),
        choices=[(value, ConsentEvent.Via(value).label) for value in ConsentEvent.STAFF_CHANNELS],
    )
    occurred_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("When the customer gave or withdrew it; leave empty for now."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What proves it, e.g. the date of the letter and where it is filed, or who called and "
            "from which number. The ledger is never edited: a mistake is corrected by a new entry."
        ),
    )

    def clean_occurred_at(self):
        value = self.cleaned_data.get("occurred_at")
        if value is not None and value > timezone.now():
            raise forms.ValidationError(_("The time cannot lie in the future."))
        return value

    def clean_evidence(self):
        value = self.cleaned_data["evidence"].strip()
        if not value:
            raise forms.ValidationError(_("Say what the evidence is."))
        return value


class MarketingExportForm(forms.Form):
    """Which purpose's marketable customers to export with their unsubscribe links."""

    purpose = forms.ModelChoiceField(
        label=_("Purpose"),
        queryset=ConsentPurpose.objects.filter(is_marketing=True).order_by("code"),
        to_field_name="code",
    )
