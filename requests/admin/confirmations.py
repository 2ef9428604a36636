"""Forms of the confirmation pages staff pass before an irreversible step.

Erasure asks for the customer numbers to be typed: the page names what is erased and what is
kept, and a slip of the mouse on the preview cannot erase anyone.
"""

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _numbers(text: str) -> list[str]:
    return [part.upper() for part in re.split(r"[\s,;]+", text or "") if part]


class ErasureConfirmForm(forms.Form):
    """Type the customer number (or numbers) of the customers the erasure removes."""

    typed_numbers = forms.CharField(
        label=_("Type the customer number to confirm"),
        max_length=500,
        help_text=_("Several customers: type every number, separated by spaces or commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 30}),
    )

    def __init__(self, *args, customer_numbers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.customer_numbers = [number.upper() for number in customer_numbers]

    def clean_typed_numbers(self) -> list[str]:
        typed = _numbers(self.cleaned_data["typed_numbers"])
        if sorted(set(typed)) != sorted(set(self.customer_numbers)):
            raise forms.ValidationError(
                gettext("The numbers typed are not the customer numbers of this erasure; nothing was erased.")
            )
        return typed


class ConfirmForm(forms.Form):
    """A second, explicit yes: a checkbox that must be ticked."""

    confirmed = forms.BooleanField(label=_("I have checked the above and confirm"), required=True)
