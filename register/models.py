"""The register description (GDPR Art. 13 notice and Art. 30 record) as data.

Every text shown to customers exists in sv, fi, nb and en (see ``register.translation``).
Staff edit the live register in the admin; ``publish()`` freezes it into an immutable
``NoticeVersion`` that the public notice and, later, access reports are rendered from.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from register.business_ids import BusinessIdKind, normalise
from register.email_address import (
    EmailAddressField,
    email_lines,
    validate_email_address,
    validate_email_lines,
)
from register.translation import LANGUAGE_CODES, Language, LanguagesField, Translated, TranslatedModel

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class Country(models.TextChoices):
    FINLAND = "FI", _("Finland")
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")
    ESTONIA = "EE", _("Estonia")


def default_country() -> str:
    """The country a new register starts with: the SHOP_COUNTRY setting (docs/operations.md)."""
    return settings.SHOP_COUNTRY


class RegisterManager(models.Manager):
    def current(self) -> Register | None:
        """Return the register this installation keeps (there is at most one current)."""
        return self.filter(is_current=True).first()


def shop_country() -> str:
    """The country whose law the shop follows now: the current register's.

    Staff-side computations use it: erasure holds, the retention job, phone numbers typed without a
    country code (docs/development.md, "One country"). Before any register exists, the country a new
    register would get.
    """
    country = Register.objects.filter(is_current=True).values_list("country", flat=True).first()
    return country or default_country()


def shop_name() -> str:
    """The name customers and staff know the shop by: the current register's main controller's."""
    return (
        Controller.objects.filter(register__is_current=True)
        .order_by("position", "id")
        .values_list("name", flat=True)
        .first()
        or ""
    )


def notice_country() -> str:
    """The country customers are told about: the one in the notice in force, else ``shop_country()``.

    Customer-facing texts use it: the supervisory authority on the rights page, in every email and in
    the access report, so they always agree with the published notice (docs/development.md).
    """
    notice = NoticeVersion.objects.current()
    snapshot = notice.snapshot if notice is not None else None
    country = snapshot.get("country") if isinstance(snapshot, dict) else None
    return country if country in Country.values else shop_country()


class Register(TranslatedModel):
    name = Translated(models.CharField, _("register name"), max_length=200)
    intro = Translated(
        models.TextField,
        _("introduction"),
        required=False,
        help_text=_("Opening text of the notice, e.g. who the controller is and what the notice covers."),
    )
    data_subjects = Translated(
        models.TextField,
        _("data subjects"),
        help_text=_(
            "Who is in the register (GDPR Art. 30(1)(c)), e.g. customers and people who contacted us."
        ),
    )
    disclosures = Translated(
        models.TextField,
        _("regular disclosures"),
        required=False,
        help_text=_("Statement on regular disclosures, shown above the list of recipients."),
    )
    no_regular_disclosures = models.BooleanField(
        _("no regular disclosures"),
        default=False,
        help_text=_(
            "Tick when customer data is not regularly disclosed to anyone: the notice then says so in "
            "place of a list of recipients. Without this, publishing needs at least one recipient "
            "(GDPR Art. 13(1)(e))."
        ),
    )
    transfers = Translated(
        models.TextField,
        _("transfers outside the EU/EEA"),
        help_text=_("Statement on transfers to third countries (GDPR Art. 13(1)(f))."),
    )
    cookies_intro = Translated(models.TextField, _("cookies introduction"), required=False)
    provision_requirement = Translated(
        models.TextField,
        _("statutory or contractual requirement"),
        help_text=_(
            "Whether the customer must provide the data and what happens if not (GDPR Art. 13(2)(e))."
        ),
    )
    automated_decisions = Translated(
        models.TextField,
        _("automated decision-making"),
        help_text=_("Whether automated decisions or profiling take place (GDPR Art. 13(2)(f))."),
    )
    rights_intro = Translated(models.TextField, _("rights introduction"), required=False)
    changes = Translated(models.TextField, _("changes to this notice"), required=False)
    country = models.CharField(
        _("shop country"),
        max_length=2,
        choices=Country.choices,
        default=default_country,
        help_text=_(
            "The one country of the shop: decides the supervisory authority and the bookkeeping periods "
            "(for orders a controller in another country sold, that controller's country decides)."
        ),
    )
    language = models.CharField(
        _("original language"),
        max_length=2,
        choices=Language.choices,
        help_text=_("The language the description is written in; other languages fall back to it."),
    )
    published_languages = LanguagesField(
        _("published languages"),
        blank=True,
        default=list,
        help_text=_(
            "The languages the privacy notice is published in; the original language always is. "
            "Publishing needs every text in these languages only. A visitor who reads another language "
            "sees the notice in the original language, with a line saying so."
        ),
    )
    drawn_up_on = models.DateField(_("drawn up on"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    staff_note = models.TextField(_("staff note"), blank=True, help_text=_("Never shown to customers."))

    history = HistoricalRecords()
    objects = RegisterManager()

    class Meta:
        verbose_name = _("register description")
        verbose_name_plural = _("register descriptions")
        permissions = [("publish_register", _("Can publish the register description"))]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="register_one_current"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.name_sv or self.name_fi or self.name_en or f"#{self.pk}"

    def original_language(self) -> str | None:
        return self.language

    def publishing_languages(self) -> list[str]:
        """The languages the notice is published in: the original and the chosen ones, in settings order."""
        chosen = set(self.published_languages or ())
        return [code for code in LANGUAGE_CODES if code == self.language or code in chosen]

    def main_controller(self) -> Controller | None:
        """The controller listed first: by default the one that sold an order."""
        return self.controllers.order_by("position", "id").first()

    def law_countries(self) -> list[str]:
        """The countries whose bookkeeping and consumer law apply: the register's, then its controllers'."""
        countries = [self.country]
        for controller in self.controllers.all():
            country = controller.law_country()
            if country not in countries:
                countries.append(country)
        return countries

    def missing_for_publication(self) -> list[str]:
        """Return what GDPR Art. 13 requires and this register lacks, one line each (empty when publishable).

        GDPR gaps come first, then one line per language with missing translations. The grouped
        list, with a link to each item's field, is ``publication_check()``.
        """
        return self.publication_check().as_list()

    def publication_check(self):
        """Return the grouped refusal list (``register.publishing.PublicationCheck``)."""
        from register.publishing import check_publication

        return check_publication(self)


class PartHistory(HistoricalRecords):
    """History of every register part; ``excluded_fields`` name fields some parts have and others lack."""

    def create_history_model(self, model, inherited):
        history_model = super().create_history_model(model, inherited)
        # Reading a past version looks up each excluded field on the model: keep only the model's own.
        own = {field.name for field in model._meta.fields}
        history_model._history_excluded_fields = [name for name in self.excluded_fields if name in own]
        return history_model


class RegisterPart(TranslatedModel):
    """Common fields of the register's parts: order on the page and a note for staff."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    staff_note = models.TextField(
        _("staff note"),
        blank=True,
        help_text=_(
            "Never shown to customers. Used e.g. to mark items added because GDPR Art. 13 requires them "
            "although the original description did not state them."
        ),
    )

    # A recipient's webhook signing secret is never copied into the history.
    history = PartHistory(inherit=True, excluded_fields=["webhook_secret"])

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class PostalAddress(models.Model):
    """A postal address, as the notice prints it."""

    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO code, e.g. FI."))

    class Meta:
        abstract = True

    def address_lines(self) -> list[str]:
        place = " ".join(p for p in (self.postal_code, self.city) if p)
        return [line for line in (self.street_address, place, self.region, self.country) if line]


class ControllerQuerySet(models.QuerySet):
    def law_countries(self) -> dict[int, str]:
        """``{controller id: country}``: whose bookkeeping and consumer law keep the orders it sold."""
        return {
            pk: country.upper() if country.upper() in Country.values else register_country
            for pk, country, register_country in self.values_list("pk", "country", "register__country")
        }


class Controller(RegisterPart, PostalAddress):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="controllers", verbose_name=_("register description")
    )
    name = models.CharField(_("name"), max_length=200)
    business_id = models.CharField(
        _("business id"),
        max_length=40,
        blank=True,
        help_text=_("Checked against its check digit and written the customary way when saved."),
    )
    business_id_kind = models.CharField(
        _("kind of business id"), max_length=30, choices=BusinessIdKind.choices, blank=True
    )
    # The address's country, which also decides whose law keeps this controller's orders.
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_(
            "ISO code, e.g. FI. The bookkeeping and consumer law of this country keep the orders this "
            "controller sold; empty (or another country): the register's."
        ),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = EmailAddressField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = ControllerQuerySet.as_manager()

    class Meta(RegisterPart.Meta):
        verbose_name = _("controller")
        verbose_name_plural = _("controllers")

    def __str__(self) -> str:
        return self.name

    def law_country(self) -> str:
        """The country whose bookkeeping and consumer law keep this controller's orders."""
        country = self.country.upper()
        return country if country in Country.values else self.register.country

    def clean(self) -> None:
        if not self.business_id:
            return
        if not self.business_id_kind:
            raise ValidationError({"business_id_kind": _("Say which kind of business id this is.")})
        try:
            self.business_id = normalise(self.business_id_kind, self.business_id)
        except ValidationError as error:
            raise ValidationError({"business_id": error}) from None

    def business_id_error(self) -> str:
        """Why the stored business id is not valid for its kind ("" when it is, or when there is none)."""
        if not self.business_id:
            return ""
        try:
            normalise(self.business_id_kind, self.business_id)
        except ValidationError as error:
            return " ".join(error.messages)
        return ""


class ContactRole(models.TextChoices):
    DPO = "dpo", _("Data protection officer")
    REPRESENTATIVE = "representative", _("Data protection representative")
    CONTACT = "contact", _("Contact person")


class ContactPerson(RegisterPart, PostalAddress):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("register description")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=20, choices=ContactRole.choices, default=ContactRole.CONTACT
    )
    emails = models.TextField(
        _("email addresses"), blank=True, validators=[validate_email_lines], help_text=_("One per line.")
    )
    phones = models.TextField(_("phone numbers"), blank=True, help_text=_("One per line."))

    class Meta(RegisterPart.Meta):
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    def email_list(self) -> list[str]:
        return email_lines(self.emails)

    def phone_list(self) -> list[str]:
        return [line.strip() for line in self.phones.splitlines() if line.strip()]


class LegalBasis(models.TextChoices):
    """GDPR Art. 6(1)(a)–(f)."""

    CONSENT = "a", _("Consent (GDPR Art. 6(1)(a))")
    CONTRACT = "b", _("Performance of a contract (GDPR Art. 6(1)(b))")
    LEGAL_OBLIGATION = "c", _("Legal obligation (GDPR Art. 6(1)(c))")
    VITAL_INTERESTS = "d", _("Vital interests (GDPR Art. 6(1)(d))")
    PUBLIC_TASK = "e", _("Public task (GDPR Art. 6(1)(e))")
    LEGITIMATE_INTEREST = "f", _("Legitimate interest (GDPR Art. 6(1)(f))")


class RecipientKind(models.TextChoices):
    PROCESSOR = "processor", _("Processor")
    CARRIER = "carrier", _("Carrier")
    PAYMENT = "payment", _("Payment service")
    ACCOUNTING = "accounting", _("Accounting")
    DEBT_COLLECTION = "debt_collection", _("Debt collection")
    IT_SERVICE = "it_service", _("IT service")
    AUTHORITY = "authority", _("Authority")
    OTHER = "other", _("Other")


class Purpose(RegisterPart):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="purposes", verbose_name=_("register description")
    )
    text = Translated(models.TextField, _("purpose"))
    legal_basis = models.CharField(_("legal basis"), max_length=1, choices=LegalBasis.choices, blank=True)
    basis_detail = Translated(
        models.TextField,
        _("legal basis in detail"),
        required=False,
        help_text=_("E.g. the law that creates the obligation (GDPR Art. 6(3))."),
    )
    legitimate_interest = Translated(
        models.TextField,
        _("legitimate interest"),
        required=False,
        help_text=_("Required when the legal basis is legitimate interest (GDPR Art. 13(1)(d))."),
    )
    is_direct_marketing = models.BooleanField(
        _("direct marketing"),
        default=False,
        help_text=_("The customer may object at any time and without reason (GDPR Art. 21(2))."),
    )
    needs_recipient_kind = models.CharField(
        _("needs a recipient of kind"),
        max_length=20,
        choices=RecipientKind.choices,
        blank=True,
        help_text=_(
            "For a purpose that cannot be carried out without one, e.g. delivering orders needs a carrier "
            "and taking payments a payment service. Publishing then requires a recipient of this kind."
        ),
    )

    class Meta(RegisterPart.Meta):
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_basis__in=["", *LegalBasis.values]), name="purpose_legal_basis_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class DataCategory(RegisterPart):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="categories", verbose_name=_("register description")
    )
    name = Translated(models.CharField, _("name"), max_length=200)
    description = Translated(models.TextField, _("description"), required=False)
    provided_by_customer = models.BooleanField(
        _("provided by the customer"),
        default=True,
        help_text=_("Untick when the data comes from another source (GDPR Art. 14, 15(1)(g))."),
    )
    purposes = models.ManyToManyField(
        Purpose, blank=True, related_name="categories", verbose_name=_("purposes")
    )

    class Meta(RegisterPart.Meta):
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")

    def __str__(self) -> str:
        return self.name


class Source(RegisterPart):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="sources", verbose_name=_("register description")
    )
    text = Translated(models.TextField, _("source"))

    class Meta(RegisterPart.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.text[:80]


class Safeguard(models.TextChoices):
    """GDPR Art. 45, 46, 47, 49."""

    ADEQUACY = "adequacy", _("Adequacy decision (GDPR Art. 45)")
    SCC = "scc", _("Standard contractual clauses (GDPR Art. 46(2)(c))")
    BCR = "bcr", _("Binding corporate rules (GDPR Art. 47)")
    DEROGATION = "derogation", _("Consent or other derogation (GDPR Art. 49)")
    NONE = "none", _("None")


class RecipientQuerySet(models.QuerySet):
    def receiving_customer_data(self) -> RecipientQuerySet:
        """Recipients to notify of rectification, erasure and restriction (GDPR Art. 19)."""
        return self.filter(receives_customer_data=True)


WEBHOOK_SECRET_MIN_LENGTH = 24
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def validate_webhook_url(url: str) -> None:
    """Accept only https URLs; plain http only to this machine while developing (DEBUG)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and settings.DEBUG and parts.hostname in LOCAL_HOSTS:
        return
    raise ValidationError(gettext("A webhook URL must start with https://."), code="https_only")


class Recipient(RegisterPart):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("register description")
    )
    name = Translated(models.CharField, _("name"), max_length=200)
    description = Translated(models.TextField, _("what they receive and why"), required=False)
    kind = models.CharField(_("kind"), max_length=20, choices=RecipientKind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO code, e.g. SE."))
    outside_eea = models.BooleanField(_("outside the EU/EEA"), default=False)
    safeguard = models.CharField(
        _("safeguard"), max_length=20, choices=Safeguard.choices, default=Safeguard.NONE
    )
    safeguard_text = Translated(models.TextField, _("safeguard in detail"), required=False)
    receives_customer_data = models.BooleanField(
        _("receives customer data"),
        default=True,
        help_text=_(
            "Recipients that receive customer data are told of rectification and erasure (GDPR Art. 19)."
        ),
    )
    email = EmailAddressField(
        _("notification email"), blank=True, help_text=_("Where GDPR Art. 19 notifications are sent.")
    )
    webhook_url = models.URLField(
        _("webhook URL"),
        blank=True,
        max_length=500,
        help_text=_(
            "Where signed events are posted when a customer is rectified, erased or restricted, or "
            "withdraws consent or objects (GDPR Art. 19). HTTPS only."
        ),
    )
    # Kept as written: the register signs every event with it. The admin never shows it again in full.
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=200, blank=True)

    objects = RecipientQuerySet.as_manager()

    class Meta(RegisterPart.Meta):
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        indexes = [models.Index(fields=["register", "receives_customer_data"])]

    def __str__(self) -> str:
        return self.name

    def lacks_safeguard(self) -> bool:
        """A transfer outside the EU/EEA needs a safeguard (GDPR Art. 44–49)."""
        return self.outside_eea and self.safeguard == Safeguard.NONE

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.webhook_url:
            try:
                validate_webhook_url(self.webhook_url)
            except ValidationError as exc:
                errors["webhook_url"] = exc.messages
            if len(self.webhook_secret or "") < WEBHOOK_SECRET_MIN_LENGTH:
                errors["webhook_secret"] = gettext(
                    "A webhook needs a signing secret of at least %(count)d characters."
                ) % {"count": WEBHOOK_SECRET_MIN_LENGTH}
        if errors:
            raise ValidationError(errors)

    @property
    def masked_webhook_secret(self) -> str:
        """The secret as the admin shows it after saving: its last four characters only."""
        return f"…{self.webhook_secret[-4:]}" if self.webhook_secret else ""


class CookieCategory(models.TextChoices):
    NECESSARY = "necessary", _("Necessary")
    PREFERENCES = "preferences", _("Preferences")
    ANALYTICS = "analytics", _("Analytics")
    MARKETING = "marketing", _("Marketing")


class Cookie(RegisterPart):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="cookies", verbose_name=_("register description")
    )
    provider = models.CharField(_("provider"), max_length=200)
    name = models.CharField(_("cookie name"), max_length=200, blank=True)
    category = models.CharField(_("purpose category"), max_length=20, choices=CookieCategory.choices)
    purpose = Translated(models.TextField, _("purpose"))
    duration = Translated(models.CharField, _("duration"), max_length=100, required=False)
    third_country = models.CharField(
        _("third country"), max_length=2, blank=True, help_text=_("ISO code when data leaves the EU/EEA.")
    )
    info_url = models.URLField(_("provider's privacy information"), blank=True)

    class Meta(RegisterPart.Meta):
        verbose_name = _("cookie")
        verbose_name_plural = _("cookies")

    def __str__(self) -> str:
        return f"{self.provider} {self.name}".strip()


class ProtectionPrinciple(RegisterPart):
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="protections", verbose_name=_("register description")
    )
    text = Translated(models.TextField, _("principle"))

    class Meta(RegisterPart.Meta):
        verbose_name = _("protection principle")
        verbose_name_plural = _("protection principles")

    def __str__(self) -> str:
        return self.text[:80]


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


class CountsFrom(models.TextChoices):
    END_OF_RELATIONSHIP = "end_of_relationship", _("end of the customer relationship")
    LAST_ACTIVITY = "last_activity", _("the customer's last activity")
    END_OF_FINANCIAL_YEAR = "end_of_financial_year", _("end of the financial year")
    END_OF_CALENDAR_YEAR = "end_of_calendar_year", _("end of the calendar year")
    REQUEST_RECEIVED = "request_received", _("receipt of the request")
    REQUEST_COMPLETED = "request_completed", _("completion of the request")
    CREATION = "creation", _("creation")


# Events that end something: a period of zero counted from one of them means "until then", e.g. "as
# long as the customer relationship lasts". From the other events zero would mean "not kept at all".
ZERO_PERIOD_EVENTS = (
    CountsFrom.END_OF_RELATIONSHIP,
    CountsFrom.END_OF_FINANCIAL_YEAR,
    CountsFrom.END_OF_CALENDAR_YEAR,
    CountsFrom.REQUEST_COMPLETED,
)


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", _("anonymise")
    DELETE = "delete", _("delete")


class RetentionKey(models.TextChoices):
    """The executable rules of ``purge_expired``: each key names code that applies the rule."""

    CUSTOMER_INACTIVE = "customer_inactive", _("Customers without activity")
    ORDER_BOOKKEEPING = "order_bookkeeping", _("Orders and bookkeeping records")
    UNVERIFIED_REQUEST = "unverified_request", _("Unverified requests")
    COMPLETED_REQUEST = "completed_request", _("Completed requests")
    ACCESS_REPORT = "access_report", _("Access reports")
    HISTORY_ROWS = "history_rows", _("History rows")
    ERASED_CONSENTS = "erased_consents", _("Consent events of erased customers")


class RetentionRule(RegisterPart):
    register = models.ForeignKey(
        Register,
        on_delete=models.CASCADE,
        related_name="retention_rules",
        verbose_name=_("register description"),
    )
    categories = models.ManyToManyField(
        DataCategory,
        blank=True,
        related_name="retention_rules",
        verbose_name=_("data categories"),
        help_text=_("The data categories this rule covers; one rule may cover several."),
    )
    description = Translated(models.TextField, _("description"), required=False)
    period_amount = models.PositiveIntegerField(
        _("period"),
        help_text=_(
            "0 means until the event, e.g. 0 from the end of the customer relationship: as long as the "
            "customer relationship lasts."
        ),
    )
    period_unit = models.CharField(_("unit"), max_length=10, choices=PeriodUnit.choices)
    counts_from = models.CharField(_("counts from"), max_length=30, choices=CountsFrom.choices)
    action = models.CharField(
        _("then"), max_length=10, choices=RetentionAction.choices, default=RetentionAction.DELETE
    )
    rule = models.CharField(
        _("executable rule"),
        max_length=30,
        choices=RetentionKey.choices,
        blank=True,
        help_text=_("The retention job applies this rule with the period above."),
    )

    class Meta(RegisterPart.Meta):
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "rule"], condition=~Q(rule=""), name="retention_rule_key_once"
            ),
            models.CheckConstraint(
                condition=Q(period_amount__gte=1) | Q(counts_from__in=ZERO_PERIOD_EVENTS),
                name="retention_period_positive_or_until_event",
            ),
        ]

    def __str__(self) -> str:
        return self.period_sentence()

    def period_sentence(self) -> str:
        """How long, from which event, as one sentence in the active language."""
        from register.retention_text import period_sentence

        return period_sentence(self.period_amount, self.period_unit, self.counts_from)

    def sentence(self) -> str:
        """The whole rule as the notice states it, in the active language."""
        from register.retention_text import retention_sentence

        return retention_sentence(self.period_amount, self.period_unit, self.counts_from, self.action)

    def label(self, number: int | None = None) -> str:
        """A name staff can find the rule by: its categories, else its executable rule."""
        names = [str(category) for category in self.categories.all()] if self.pk else []
        if names:
            return gettext("Retention rule for %(categories)s") % {"categories": ", ".join(names)}
        if self.rule:
            return gettext("Retention rule “%(rule)s”") % {"rule": self.get_rule_display()}
        if number is not None:
            return gettext("Retention rule %(number)s") % {"number": number}
        return gettext("Retention rule")

    def event_error(self) -> str:
        """Why this rule's event does not fit its period or its executable rule ("" when it does)."""
        from register.retention import rules

        if self.period_amount == 0 and self.counts_from and self.counts_from not in ZERO_PERIOD_EVENTS:
            return gettext(
                "A period of 0 is possible only from an event that ends something (the end of the customer "
                "relationship, of the financial or calendar year, or completion of the request)."
            )
        executable = rules.get(self.rule)
        if executable is not None and self.counts_from and self.counts_from not in executable.events:
            labels = dict(CountsFrom.choices)
            return gettext("The executable rule “%(rule)s” counts from: %(events)s.") % {
                "rule": self.get_rule_display(),
                "events": ", ".join(str(labels[event]) for event in executable.events),
            }
        return ""

    def clean(self) -> None:
        if error := self.event_error():
            raise ValidationError({"counts_from": error})


class Right(models.TextChoices):
    ACCESS = "access", _("Access (GDPR Art. 15)")
    RECTIFICATION = "rectification", _("Rectification (GDPR Art. 16)")
    ERASURE = "erasure", _("Erasure (GDPR Art. 17)")
    RESTRICTION = "restriction", _("Restriction of processing (GDPR Art. 18)")
    PORTABILITY = "portability", _("Data portability (GDPR Art. 20)")
    OBJECTION = "objection", _("Objection, including to direct marketing (GDPR Art. 21)")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent (GDPR Art. 7(3))")


class Channel(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    OWN_ACCOUNT = "own_account", _("Own customer account")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link in messages")


class RightsChannel(RegisterPart):
    register = models.ForeignKey(
        Register,
        on_delete=models.CASCADE,
        related_name="rights_channels",
        verbose_name=_("register description"),
    )
    right = models.CharField(_("right"), max_length=20, choices=Right.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    value = models.CharField(
        _("address or number"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the email address or phone number."),
    )
    note = Translated(models.TextField, _("how"), required=False)

    class Meta(RegisterPart.Meta):
        verbose_name = _("rights channel")
        verbose_name_plural = _("rights channels")
        ordering = ["right", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_right_display()}: {self.get_channel_display()}"

    def clean(self) -> None:
        if self.channel == Channel.EMAIL and self.value:
            try:
                validate_email_address(self.value.strip())
            except ValidationError as error:
                raise ValidationError({"value": error}) from None


class IdentityEvidence(models.TextChoices):
    """Evidence of a requester's identity (GDPR Art. 12(6)); values match a request's verification methods."""

    EMAIL_LINK = "email_link", _("a confirmed email link")
    CUSTOMER_ACCOUNT = "customer_account", _("a request made while logged in to the shop account")
    SIGNED_DOCUMENT = "signed_document", _("a signed document")
    PERSONAL_VISIT = "personal_visit", _("a personal visit")
    OTHER = "other", _("other evidence, as the note says")


class IdentityRule(RegisterPart):
    """Which identity evidence suffices for one right: the notice says it, fulfilment waits for it.

    A right without a rule needs the usual verification only (the email link, or staff recording how
    identity was checked). The note tells the customer, in their language, what to send or where to
    come (required when "other" evidence is accepted).
    """

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="identity_rules")
    right = models.CharField(_("right"), max_length=20, choices=Right.choices)
    accepts_email_link = models.BooleanField(IdentityEvidence.EMAIL_LINK.label, default=False)
    accepts_customer_account = models.BooleanField(IdentityEvidence.CUSTOMER_ACCOUNT.label, default=False)
    accepts_signed_document = models.BooleanField(IdentityEvidence.SIGNED_DOCUMENT.label, default=False)
    accepts_personal_visit = models.BooleanField(IdentityEvidence.PERSONAL_VISIT.label, default=False)
    accepts_other = models.BooleanField(IdentityEvidence.OTHER.label, default=False)
    note = Translated(
        models.TextField,
        _("what to send or where to come"),
        required=False,
        help_text=_(
            "Shown to the customer with the request form's answer and in the notice, e.g. the postal "
            "address for a signed letter or the shop's opening hours."
        ),
    )

    class Meta(RegisterPart.Meta):
        verbose_name = _("identity rule")
        verbose_name_plural = _("identity rules")
        ordering = ["right", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "right"], name="identityrule_one_per_right"),
        ]

    def __str__(self) -> str:
        return str(self.get_right_display())

    def accepted(self) -> list[str]:
        """The evidence kinds that suffice, in ``IdentityEvidence`` order."""
        return [kind.value for kind in IdentityEvidence if getattr(self, f"accepts_{kind.value}")]

    def clean(self) -> None:
        if not self.accepted():
            raise ValidationError(_("Tick at least one kind of evidence that suffices."))
        if self.accepts_other and not any(self.texts("note").values()):
            raise ValidationError(_("Say in the note which other evidence suffices."))


class CountsFromBookkeeping(models.TextChoices):
    END_OF_FINANCIAL_YEAR = "end_of_financial_year", _("end of the financial year")
    END_OF_CALENDAR_YEAR = (
        "end_of_calendar_year",
        _("end of the calendar year in which the financial year ended"),
    )
    ISSUE_DATE = "issue_date", _("issue date")


class RecordKind(models.TextChoices):
    VOUCHER = "voucher", _("Voucher")
    LEDGER = "ledger", _("Ledger and financial statements")
    PRIMARY = "primary", _("Primary documentation")
    SECONDARY = "secondary", _("Secondary documentation")
    INVOICE = "invoice", _("Invoice")


class BookkeepingPeriod(models.Model):
    """How long bookkeeping law keeps a kind of record; limits erasure (GDPR Art. 17(3)(b))."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    kind = models.CharField(_("record kind"), max_length=20, choices=RecordKind.choices)
    years = models.DecimalField(
        _("years"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    counts_from = models.CharField(_("counts from"), max_length=30, choices=CountsFromBookkeeping.choices)
    statute = models.CharField(_("statute"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bookkeeping period")
        verbose_name_plural = _("bookkeeping periods")
        ordering = ["country", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["country", "kind"], name="bookkeeping_period_once"),
            models.CheckConstraint(condition=Q(years__gt=0), name="bookkeeping_years_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_country_display()}: {self.get_kind_display()}"


class HoldKind(models.TextChoices):
    """Why a statute keeps records after an erasure request (GDPR Art. 17(3)(b), (e))."""

    CONSUMER_COMPLAINT = "consumer_complaint", _("Consumer complaints and claims")
    LIMITATION = "limitation", _("General limitation period for claims")
    DEBT_COLLECTION = "debt_collection", _("Debt collection of an unpaid invoice")
    OTHER = "other", _("Other statutory obligation")

    def reason(self) -> str:
        """Why a record under a hold of this kind is kept, for staff and customers, in the active language."""
        reasons = {
            self.CONSUMER_COMPLAINT: _(
                "The customer may still complain or make a claim under consumer law; the record is kept "
                "until that period ends."
            ),
            self.LIMITATION: _(
                "A claim about the purchase is not yet time-barred; the record is kept until it is."
            ),
            self.DEBT_COLLECTION: _(
                "The invoice is unpaid and in debt collection; the record is kept until it is paid."
            ),
            self.OTHER: _("A statute requires keeping this record."),
        }
        return str(reasons[self])


class HeldRecord(models.TextChoices):
    """The kinds of record a statutory hold can keep."""

    ORDERS = "orders", _("orders")
    ORDER_LINES = "order_lines", _("order lines")
    INVOICES = "invoices", _("invoices")
    PAYMENTS = "payments", _("payments")
    RETURNS = "returns", _("returns")


class HoldEvent(models.TextChoices):
    """The event a statutory hold's period counts from; an order's records count from the order's event."""

    DELIVERY = "delivery", _("delivery")
    PURCHASE = "purchase", _("purchase (order date)")
    INVOICE_ISSUE = "invoice_issue", _("invoice issue date")
    INVOICE_DUE = "invoice_due", _("invoice due date")
    RETURN = "return", _("return")


class HoldCondition(models.TextChoices):
    ALWAYS = "always", _("every order")
    UNPAID_IN_COLLECTION = (
        "unpaid_in_collection",
        _("only orders with an unpaid invoice in debt collection, until it is paid"),
    )


class StatutoryHoldQuerySet(models.QuerySet):
    def in_force(self) -> StatutoryHoldQuerySet:
        return self.filter(is_active=True)

    def for_country(self, country: str) -> StatutoryHoldQuerySet:
        """The holds of ``country`` and those of every country."""
        return self.filter(Q(country=country) | Q(country=""))

    def for_countries(self, countries: list[str]) -> StatutoryHoldQuerySet:
        return self.filter(Q(country__in=countries) | Q(country=""))


class StatutoryHold(models.Model):
    """A statute, other than bookkeeping law, that keeps some records after an erasure request.

    Like ``BookkeepingPeriod`` it is data the DPO keeps (GDPR Art. 17(3)(b), (e); docs/legal.md,
    "Other statutory holds"): which records of an order it keeps, from which event and for how long,
    or while a condition lasts. Erasure keeps the covered records (without direct identifiers unless
    the hold says otherwise) until the latest end of every hold that applies, and the retention job
    deletes no order still under one.
    """

    country = models.CharField(
        _("country"),
        max_length=2,
        choices=Country.choices,
        blank=True,
        help_text=_("The country whose law this is; empty: it applies in every country."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=HoldKind.choices)
    statute = models.CharField(
        _("statute"), max_length=200, help_text=_("Name and section, as shown to customers.")
    )
    records = models.JSONField(
        _("records kept"), default=list, help_text=_("Which records of an order the statute keeps.")
    )
    counts_from = models.CharField(_("counts from"), max_length=20, choices=HoldEvent.choices)
    period_amount = models.PositiveIntegerField(
        _("period"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: as long as the condition lasts (e.g. until the invoice is paid)."),
    )
    period_unit = models.CharField(
        _("unit"),
        max_length=10,
        choices=[(PeriodUnit.YEARS, PeriodUnit.YEARS.label), (PeriodUnit.MONTHS, PeriodUnit.MONTHS.label)],
        default=PeriodUnit.YEARS,
    )
    condition = models.CharField(
        _("applies to"), max_length=30, choices=HoldCondition.choices, default=HoldCondition.ALWAYS
    )
    keeps_identifiers = models.BooleanField(
        _("keeps names and addresses"),
        default=False,
        help_text=_(
            "Tick when the records must stay as they are (e.g. to collect a debt); otherwise they are "
            "kept without direct identifiers."
        ),
    )
    is_active = models.BooleanField(
        _("in force for this shop"),
        default=True,
        help_text=_("Untick a hold that does not concern the shop (e.g. the durable-goods period)."),
    )
    needs_review = models.BooleanField(
        _("check with your DPO"),
        default=True,
        help_text=_(
            "A defensible default, not legal advice: untick once your data-protection officer agreed."
        ),
    )
    note = models.TextField(
        _("staff note"), blank=True, help_text=_("Source and reasoning; never shown to customers.")
    )

    history = HistoricalRecords()
    objects = StatutoryHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("statutory hold")
        verbose_name_plural = _("statutory holds")
        ordering = ["country", "kind", "period_amount", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_amount__isnull=True) | Q(period_amount__gte=1),
                name="statutory_hold_period_positive",
            ),
            models.CheckConstraint(
                condition=Q(period_amount__isnull=False) | ~Q(condition=HoldCondition.ALWAYS),
                name="statutory_hold_period_or_condition",
            ),
            models.CheckConstraint(
                condition=Q(period_unit__in=[PeriodUnit.YEARS, PeriodUnit.MONTHS]),
                name="statutory_hold_unit_valid",
            ),
        ]

    def __str__(self) -> str:
        country = self.get_country_display() if self.country else gettext("Every country")
        return f"{country}: {self.get_kind_display()} ({self.statute})"

    def clean(self) -> None:
        records = self.records if isinstance(self.records, list) else []
        if not records or any(record not in HeldRecord.values for record in records):
            raise ValidationError({"records": _("Choose at least one kind of record.")})
        if self.period_amount is None and self.condition == HoldCondition.ALWAYS:
            raise ValidationError(
                {"period_amount": _("A hold on every order needs a period; only a condition may end it.")}
            )

    def end_for(self, event: date | None) -> date | None:
        """The last day the hold keeps records whose order's event was on ``event`` (None: open-ended)."""
        if self.period_amount is None or event is None:
            return None
        return event + relativedelta(**{self.period_unit: self.period_amount})

    def records_text(self) -> str:
        """The kinds of record kept, in the active language."""
        labels = dict(HeldRecord.choices)
        return ", ".join(str(labels[r]) for r in HeldRecord.values if r in self.records)

    def period_text(self) -> str:
        """The period as a whole sentence fragment in the active language, e.g. "3 years from delivery"."""
        if self.period_amount is None:
            return gettext("until the invoice is paid")
        text = period_sentence(self.period_amount, self.period_unit, self.counts_from)
        if self.condition == HoldCondition.UNPAID_IN_COLLECTION:
            return gettext("until the invoice is paid, at most %(period)s") % {"period": text}
        return text


def period_sentence(amount: int, unit: str, event: str) -> str:
    """ "3 years from delivery" in the active language: one whole phrase per unit and event.

    Each language builds these phrases differently (Finnish inflects the event), so no event name is
    inserted into a shared template.
    """
    years = unit == PeriodUnit.YEARS
    phrases = {
        HoldEvent.DELIVERY: (
            ngettext("%(count)d year from delivery", "%(count)d years from delivery", amount)
            if years
            else ngettext("%(count)d month from delivery", "%(count)d months from delivery", amount)
        ),
        HoldEvent.PURCHASE: (
            ngettext("%(count)d year from the purchase", "%(count)d years from the purchase", amount)
            if years
            else ngettext("%(count)d month from the purchase", "%(count)d months from the purchase", amount)
        ),
        HoldEvent.INVOICE_ISSUE: (
            ngettext("%(count)d year from the invoice date", "%(count)d years from the invoice date", amount)
            if years
            else ngettext(
                "%(count)d month from the invoice date", "%(count)d months from the invoice date", amount
            )
        ),
        HoldEvent.INVOICE_DUE: (
            ngettext("%(count)d year from the due date", "%(count)d years from the due date", amount)
            if years
            else ngettext("%(count)d month from the due date", "%(count)d months from the due date", amount)
        ),
        HoldEvent.RETURN: (
            ngettext("%(count)d year from the return", "%(count)d years from the return", amount)
            if years
            else ngettext("%(count)d month from the return", "%(count)d months from the return", amount)
        ),
    }
    return phrases[HoldEvent(event)] % {"count": amount}


class NoticeVersionManager(models.Manager):
    def current(self) -> NoticeVersion | None:
        """Return the notice in force now, or None if nothing has been published."""
        return self.order_by("-number").first()

    def in_force_on(self, moment: datetime) -> NoticeVersion | None:
        """Return the notice that was in force at ``moment`` (the last one published before it)."""
        return self.filter(published_at__lte=moment).order_by("-number").first()


class NoticeVersion(models.Model):
    """A published privacy notice, kept unchanged as proof of what customers were shown."""

    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="versions", verbose_name=_("register")
    )
    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    content = models.JSONField(_("content"), help_text=_("The rendered notice, per language."))
    snapshot = models.JSONField(
        _("snapshot"), help_text=_("The register data at publication, every text in every language.")
    )

    history = HistoricalRecords()
    objects = NoticeVersionManager()

    class Meta:
        verbose_name = _("published notice")
        verbose_name_plural = _("published notices")
        ordering = ["-number"]

    def __str__(self) -> str:
        return str(_("Version %(number)s") % {"number": self.number})

    def save(self, *args, **kwargs) -> None:
        # A published notice is evidence of what customers were told (GDPR Art. 7(1), 13);
        # it is never edited, only followed by a new version.
        if not self._state.adding:
            raise ValidationError(_("A published notice cannot be changed; publish a new version."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("register:privacy-version", kwargs={"version": self.number})

    def language_shown(self, language: str) -> str:
        """The language a reader of ``language`` is shown: theirs if published, else the original."""
        original = self.snapshot.get("language") if isinstance(self.snapshot, dict) else None
        for code in (language, original, *LANGUAGE_CODES):
            if code and self.content.get(code):
                return code
        return language

    def content_in(self, language: str) -> str:
        """The stored HTML in ``language``, else in the register's original language."""
        return self.content.get(self.language_shown(language), "")


def publish(register: Register, by: AbstractBaseUser | None = None) -> NoticeVersion:
    """Publish ``register`` as a new immutable notice version (see ``register.publishing``)."""
    from register.publishing import publish as _publish

    return _publish(register, by=by)


# --- Retention runs ---


class PurgeRun(models.Model):
    """One run of ``manage.py purge_expired``: the report staff read in the admin."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Finished with errors")
        INTERRUPTED = "interrupted", _("Interrupted")

    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(
        _("dry run"), default=False, help_text=_("A dry run only counts; it changes no data.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    host = models.CharField(_("host"), max_length=200, blank=True)
    command = models.CharField(
        _("command"), max_length=500, blank=True, help_text=_("The command line that started the run.")
    )
    batch_size = models.PositiveIntegerField(_("batch size"), default=1000)

    class Meta:
        verbose_name = _("purge run")
        verbose_name_plural = _("purge runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return gettext("Purge run %(number)s") % {"number": self.pk}

    def finish(self) -> None:
        """Close the run: finished with errors when any rule or any row failed, succeeded otherwise."""
        failed = self.results.filter(Q(status=PurgeRuleResult.Status.FAILED) | Q(failed__gt=0)).exists()
        self.status = self.Status.FAILED if failed else self.Status.SUCCEEDED
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "finished_at"])


class PurgeRuleResult(models.Model):
    """What one retention rule did (or, in a dry run, would do) in one run."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(PurgeRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run"))
    rule = models.CharField(_("rule"), max_length=30, choices=RetentionKey.choices)
    period = models.CharField(
        _("period"), max_length=200, blank=True, help_text=_("The retention period applied, as configured.")
    )
    # The period as values, worded when shown in the reader's language (``period_text``); results
    # written before it was kept have only the sentence in ``period``.
    period_values = models.JSONField(_("period as values"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveBigIntegerField(
        _("rows"), default=0, help_text=_("Rows anonymised, minimised or deleted (in a dry run: would be).")
    )
    counts = models.JSONField(_("counts per table"), default=dict, blank=True)
    oldest = models.DateTimeField(_("oldest date concerned"), null=True, blank=True)
    failed = models.PositiveIntegerField(
        _("rows failed"),
        default=0,
        help_text=_("Rows left as they were because processing them failed; the other rows were processed."),
    )
    failed_ids = models.JSONField(
        _("ids of failed rows"),
        default=list,
        blank=True,
        help_text=_("The first ids of the rows that failed (ids only, never their data); see the log."),
    )
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rule result")
        verbose_name_plural = _("rule results")
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "rule"], name="purge_result_rule_once_per_run")]

    def __str__(self) -> str:
        return self.get_rule_display()

    def period_text(self) -> str:
        """The period applied, in the active language."""
        from register.retention_text import period_sentence

        values = self.period_values or {}
        try:
            return period_sentence(values["amount"], values["unit"], values["counts_from"])
        except (KeyError, TypeError, ValueError):
            return self.period


# --- Outgoing messages ---


class OutboxQuerySet(models.QuerySet):
    @staticmethod
    def due_q(now: datetime) -> Q:
        """Queued, due, and not claimed by a live worker."""
        return (
            Q(status=OutboxMessage.Status.QUEUED)
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        )

    def due(self, now: datetime | None = None) -> OutboxQuerySet:
        return self.filter(self.due_q(now or timezone.now()))

    def failed(self) -> OutboxQuerySet:
        return self.filter(status=OutboxMessage.Status.FAILED)


class OutboxMessage(models.Model):
    """One email or webhook on the durable queue (``register.outbox``), and what became of it."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed: not delivered")
        CANCELLED = "cancelled", _("Cancelled, not sent")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    target = models.TextField(
        _("recipient"), blank=True, help_text=_("Email addresses (one per line) or the webhook URL.")
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML version"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    reference = models.CharField(
        _("about"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("What the message is about, e.g. a request."),
    )
    deliverer = models.CharField(_("deliverer"), max_length=200, blank=True, editable=False)
    notify = models.CharField(_("on outcome"), max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        permissions = [("resend_outboxmessage", _("Can send failed messages again"))]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next"),
        ]

    def __str__(self) -> str:
        return self.subject or gettext("Message %(number)s") % {"number": self.pk}

    def recipients(self) -> list[str]:
        return [line.strip() for line in self.target.splitlines() if line.strip()]
