"""The register description: the register, its controllers, contacts, purposes, data categories, sources
and recipients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from register.business_ids import BusinessIdKind, normalise
from register.email_address import (
    EmailAddressField,
    email_lines,
    validate_email_lines,
)
from register.translation import LANGUAGE_CODES, Language, LanguagesField, Translated, TranslatedModel

if TYPE_CHECKING:
    pass


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


# Every admin page and public page shows the shop's name: it is kept in the cache (shared by the
# processes when CACHE_URL names one), forgotten whenever a register or controller is saved or deleted,
# and read again after SHOP_NAME_SECONDS at the latest.
SHOP_NAME_KEY = "register:shop-name"
SHOP_NAME_SECONDS = 300


def shop_name() -> str:
    """The name customers and staff know the shop by: the current register's main controller's."""
    name = cache.get(SHOP_NAME_KEY)
    if name is None:
        name = (
            Controller.objects.filter(register__is_current=True)
            .order_by("position", "id")
            .values_list("name", flat=True)
            .first()
            or ""
        )
        cache.set(SHOP_NAME_KEY, name, SHOP_NAME_SECONDS)
    return name


def forget_shop_name() -> None:
    """Drop the cached shop name now and again when the transaction commits (a page read in between
    would cache the name the transaction is about to change)."""
    cache.delete(SHOP_NAME_KEY)
    transaction.on_commit(lambda: cache.delete(SHOP_NAME_KEY))


def notice_country() -> str:
    """The country customers are told about: the one in the notice in force, else ``shop_country()``.

    Customer-facing texts use it: the supervisory authority on the rights page, in every email and in
    the access report, so they always agree with the published notice (docs/development.md).
    """
    from register.models.notices import NoticeVersion

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

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        forget_shop_name()  # another register may have become the current one

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        forget_shop_name()
        return deleted

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
            pk: _law_country(country, register_country)
            for pk, country, register_country in self.values_list("pk", "country", "register__country")
        }

    def law_countries_with_shop(self) -> dict[int | None, str]:
        """``law_countries()`` and, under ``None``, the shop's country (``shop_country()``) for the records
        no controller sold, from one query."""
        shop = (
            Register.objects.filter(is_current=True)
            .order_by()
            .annotate(no_controller=models.Value(None, models.BigIntegerField()), no_country=models.Value(""))
            .values_list("no_controller", "no_country", "country")
        )
        rows = self.order_by().values_list("pk", "country", "register__country").union(shop, all=True)
        countries = {pk: _law_country(country, register_country) for pk, country, register_country in rows}
        return {**countries, None: countries.get(None) or default_country()}


def _law_country(country: str, register_country: str) -> str:
    """The country whose law keeps what a controller sold: its own when it is one the product knows, else
    its register's."""
    return country.upper() if country.upper() in Country.values else register_country


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

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        forget_shop_name()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        forget_shop_name()
        return deleted

    def law_country(self) -> str:
        """The country whose bookkeeping and consumer law keep this controller's orders."""
        return _law_country(self.country, self.register.country)

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
