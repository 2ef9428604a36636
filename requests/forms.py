import contextlib
import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _

from customers.contacts import normalize_email
from customers.models import ErasureMode
from register.countries import country_choices
from register.email_address import EmailAddressFormField
from register.translation import Language
from requests.emails import REPLY_TEMPLATES
from requests.models import Request
from requests.rectification import RECTIFIABLE_FIELDS

# Prefix of the public form's structured correction fields ("proposed_email", ...).
PROPOSAL_PREFIX = "proposed_"

# Length limits of the public form: long enough for any honest request, short enough
# that a flood of text is refused by validation rather than stored.
MESSAGE_MAX_LENGTH = 5000
SHORT_TEXT_MAX_LENGTH = 2000


def withdrawal_purpose_choices(*, cached: bool = False) -> list[tuple[str, str]]:
    """Return the consent purposes a customer can withdraw (GDPR Art. 7(3)), from the ledger.

    ``cached``: from the purposes' cache (``customers.models.consent_purposes``), for a page that only
    shows them; validation reads the table.
    """
    from customers.models import ConsentPurpose, consent_purposes

    purposes = consent_purposes() if cached else ConsentPurpose.objects.order_by("code")
    return [(p.code, p.localized_name()) for p in purposes]


def strip_control_characters(value: str) -> str:
    """Remove NUL and other control characters, keeping line breaks and tabs."""
    return "".join(ch for ch in value if ch in "\n\r\t" or unicodedata.category(ch) != "Cc")


class CleanCharField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return strip_control_characters(value) if value else value


# The product's one email field (register.email_address): invisible characters removed, every address
# Django's validator accepts, including internationalised domain names, that fits once case-folded
# and once sent.
CleanEmailField = EmailAddressFormField


def email_rate_key(value: str) -> str:
    """One key for every way of typing one address: as the form keeps it, case-folded, domain as sent.

    "Anna@Example.org", "anna@exa\u200bmple.org" and "anna@ｅxample.org." are all mail to
    anna@example.org, so the per-email rate limit counts them together.
    """
    address = CleanEmailField().to_python(value) or ""
    local, at, domain = address.rpartition("@")
    if not at:
        return normalize_email(address)
    with contextlib.suppress(UnicodeError):
        domain = punycode(domain.rstrip("."))
    return normalize_email(f"{local}@{domain}")


# What each erasure choice means, for the customer (public form) and for staff.
ERASURE_EXPLAINED = {
    ErasureMode.DELETE: _(
        "We delete your customer account and all your data. Records the law obliges us to keep, such "
        "as bookkeeping records, are kept without your name and contact details until the legal period "
        "ends, and then deleted."
    ),
    ErasureMode.ANONYMISE: _(
        "We remove everything that identifies you: name, contact details and identifiers. An anonymous "
        "record of your purchases stays for our statistics (for example how many orders were placed); "
        "nobody can link it to you any more. Records the law obliges us to keep are kept in the same way "
        "until the legal period ends."
    ),
}


class PublicRequestForm(forms.Form):
    # No kind is chosen for the customer: the first option asks them to choose.
    kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=[("", _("Choose…")), *Request.Kind.choices]
    )
    email = CleanEmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send a confirmation link to this address."),
    )
    name = CleanCharField(label=_("Your name"), max_length=200, required=False)
    customer_number = CleanCharField(label=_("Customer number (optional)"), max_length=50, required=False)
    order_number = CleanCharField(label=_("Order number (optional)"), max_length=50, required=False)
    message = CleanCharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # A correction is asked for once: the correct values in the structured fields below
    # (PROPOSAL_PREFIX), and anything they do not cover here.
    rectification_wrong = CleanCharField(
        label=_("Anything else about the correction"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example data that is wrong somewhere else than in the fields above."),
    )
    erasure_choice = forms.ChoiceField(
        label=_("For erasure: delete or anonymise?"),
        choices=[
            (ErasureMode.DELETE, _("Delete my data")),
            (ErasureMode.ANONYMISE, _("Anonymise my data")),
        ],
        initial=ErasureMode.DELETE,
        required=False,
        widget=forms.RadioSelect,
    )
    withdrawal_purposes = forms.MultipleChoiceField(
        label=_("For withdrawal of consent: which purposes?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, purposes: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The consent purposes, unless the caller has read them already.
        self.fields["withdrawal_purposes"].choices = (
            withdrawal_purpose_choices() if purposes is None else purposes
        )
        # Structured corrections (GDPR Art. 16): one optional field per rectifiable customer field.
        for name, label in RECTIFIABLE_FIELDS.items():
            if name == "language":
                field = forms.ChoiceField(label=label, required=False, choices=[("", "—"), *Language.choices])
            elif name == "country":
                field = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), *country_choices()]
                )
            elif name == "email":
                field = CleanEmailField(label=label, required=False, max_length=254)
            else:
                field = CleanCharField(label=label, required=False, max_length=200)
            self.fields[f"{PROPOSAL_PREFIX}{name}"] = field

    def proposals(self) -> dict[str, str]:
        """Return {customer field: proposed value} of the filled-in correction fields."""
        data = self.cleaned_data
        return {
            name: data[f"{PROPOSAL_PREFIX}{name}"]
            for name in RECTIFIABLE_FIELDS
            if data.get(f"{PROPOSAL_PREFIX}{name}")
        }

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_erasure_choice(self) -> str:
        # Not chosen (or not an erasure): deletion, the default the form offers.
        return self.cleaned_data.get("erasure_choice") or ErasureMode.DELETE

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Request.Kind.RECTIFICATION and not (
            data.get("rectification_wrong") or data.get("message") or self.proposals()
        ):
            self.add_error(
                "rectification_wrong", _("Fill in the correct values, or tell us here what is wrong.")
            )
        if (
            kind == Request.Kind.WITHDRAWAL
            and self.fields["withdrawal_purposes"].choices
            and not (data.get("withdrawal_purposes") or data.get("message"))
        ):
            self.add_error("withdrawal_purposes", _("Choose at least one purpose."))
        return data


class StaffRequestForm(forms.ModelForm):
    """A request received by letter, phone, email or visit, registered by staff."""

    verification_method = forms.ChoiceField(
        label=_("Identity verified by"),
        choices=[("", _("Not verified yet"))] + Request.VerificationMethod.choices,
        required=False,
        help_text=_("A signed document or a personal visit at the office both count as verification."),
    )
    verification_note = forms.CharField(
        label=_("Verification note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Request
        fields = [
            "kind",
            "received_via",
            "received_at",
            "language",
            "email",
            "name",
            "customer_number",
            "order_number",
            "message",
            "rectification_wrong",
            "rectification_correct",
            "erasure_choice",
            "withdrawal_purposes",
            "assignee",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only an erasure has the choice; left empty, it is the default, deletion.
        self.fields["erasure_choice"].required = False

    def clean_erasure_choice(self) -> str:
        return self.cleaned_data.get("erasure_choice") or ErasureMode.DELETE

    def clean(self):
        data = super().clean()
        method = data.get("verification_method")
        if method in (Request.VerificationMethod.SIGNED_DOCUMENT, Request.VerificationMethod.OTHER) and not (
            data.get("verification_note")
        ):
            self.add_error("verification_note", _("Describe how identity was verified."))
        if method == Request.VerificationMethod.EMAIL_LINK:
            self.add_error("verification_method", _("Email links are confirmed by the customer."))
        return data


class VerifyForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Identity verified by"),
        choices=[
            c for c in Request.VerificationMethod.choices if c[0] != Request.VerificationMethod.EMAIL_LINK
        ],
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ErasureChoiceForm(forms.Form):
    """Change the customer's choice between deletion and anonymisation, with the reason."""

    choice = forms.ChoiceField(label=_("Delete or anonymise"), choices=ErasureMode.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Where the customer said so, e.g. their email of 3 May. It goes into the request's trail."
        ),
    )


class IdentityEvidenceForm(forms.Form):
    """Evidence of identity a staff member saw: a signed document, a visit, the shop account, ..."""

    kind = forms.ChoiceField(
        label=_("Evidence"),
        choices=[
            c for c in Request.VerificationMethod.choices if c[0] != Request.VerificationMethod.EMAIL_LINK
        ],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you saw and where it is filed. Do not copy identity document numbers here."),
    )


class CustomerSearchForm(forms.Form):
    """Find the customers a request by letter, phone or visit concerns: by number, or by name and address."""

    customer_number = forms.CharField(label=_("Customer number"), required=False, max_length=50)
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("The beginning of the first or last name."),
    )
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=16)
    street_address = forms.CharField(
        label=_("Street address"),
        required=False,
        max_length=200,
        help_text=_("The beginning of the address."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("customer_number") and not (
            data.get("name") and (data.get("postal_code") or data.get("street_address"))
        ):
            raise forms.ValidationError(
                _("Give the customer number, or a name together with the postal code or street address.")
            )
        return data

    def results(self, limit: int = 20):
        """The matching customers, at most ``limit``; erased customers are left out."""
        from django.db.models import Q

        from customers.models import Customer

        data = self.cleaned_data
        customers = Customer.objects.not_erased()
        if data.get("customer_number"):
            customers = customers.filter(customer_number=data["customer_number"].strip())
        if data.get("name"):
            for word in data["name"].split():
                customers = customers.filter(Q(last_name__istartswith=word) | Q(first_name__istartswith=word))
        if data.get("postal_code"):
            customers = customers.filter(postal_code=data["postal_code"].strip())
        if data.get("street_address"):
            customers = customers.filter(street_address__istartswith=data["street_address"].strip())
        return list(customers.order_by("last_name", "first_name", "pk")[:limit])


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extend by"),
        coerce=int,
        choices=[(1, _("one month")), (2, _("two months"))],
    )
    reason = forms.CharField(
        label=_("Reason (sent to the customer)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Request.RejectionReason.choices)
    justification = forms.CharField(
        label=_("Justification (sent to the customer, GDPR Art. 12(5))"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class ReplyForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Template"),
        choices=[(k, v) for k, v in REPLY_TEMPLATES.items() if k not in ("rejection", "extension")],
    )
    text = forms.CharField(
        label=_("Additional text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("Written in the customer's language; it is added to the template."),
    )


class IncomingMessageForm(forms.Form):
    """A message from the customer received outside the web form (email, letter, phone)."""

    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=get_user_model().objects.filter(is_staff=True, is_active=True)
    )


class RectificationReviewForm(forms.Form):
    """Staff review of a rectification: the value to apply per field, prefilled with the proposal."""

    statement = forms.CharField(
        label=_("Supplementary statement (GDPR Art. 16)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When data is incomplete: the customer's statement, attached to the customer."),
    )

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            initial = row["proposed"] if row["proposed"] is not None else row["current"]
            choices = {"language": Language.choices, "country": country_choices()}.get(row["field"])
            if choices is not None:
                # A language or a country is chosen by its name; a stored code outside the list stays offered.
                choices = [("", "—"), *choices]
                known = {code for code, _name in choices}
                choices += [(code, code) for code in (row["current"], initial) if code and code not in known]
                field = forms.ChoiceField(
                    label=row["label"], required=False, choices=choices, initial=initial
                )
            else:
                field = forms.CharField(label=row["label"], required=False, max_length=254, initial=initial)
            self.fields[f"value_{row['field']}"] = field

    def values(self) -> dict[str, str]:
        """Return {field: value} for every field whose value differs from the current one."""
        return {
            row["field"]: self.cleaned_data[f"value_{row['field']}"]
            for row in self.rows
            if self.cleaned_data[f"value_{row['field']}"].strip() != row["current"]
        }


class RectificationDeclineForm(forms.Form):
    """Record that some of the customer's proposals are not applied, and why (GDPR Art. 16)."""

    fields_declined = forms.MultipleChoiceField(
        label=_("Proposals not to apply"), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Why they are not applied"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The customer is told this reason when the request is completed."),
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields_declined"].choices = choices
