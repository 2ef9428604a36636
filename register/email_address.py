"""One definition of an email address for every model and form of the product.

Django 5.2's ``EmailValidator`` accepts internationalised domain names (``kund@exämple.se``,
``user@пример.рф``; Django's mail sends them punycode-encoded) and refuses non-ASCII characters
before the @ (RFC 6531 addresses such as ``åsa@example.se``). We follow it: Django's mail cannot deliver
to such an address (it would encode the local part by RFC 2047, which no mail server routes), so
accepting one would store a promise we cannot keep. The refusal names the reason.

An address must also fit once normalised and once sent: the register keeps it case-folded beside it
("ß" becomes "ss"), and mail goes to the domain's ASCII (IDNA) form, in which a part of the domain may
have at most 63 characters ("ä" becomes "xn--…"). Django's validator checks neither, so such an
address failed only when it was stored (PostgreSQL) or mailed. Form fields remove control and other
invisible characters (zero-width spaces and joiners, direction marks) first.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _

# RFC 5321 limits a path (local part, @, domain) to 256 octets including the angle brackets.
MAX_LENGTH = 254


def as_sent(address: str) -> str:
    """The address as Django's mail sends it: the domain in its ASCII (IDNA) form.

    Raises UnicodeError when the domain has no such form (a part longer than 63 characters).
    """
    local, _sep, domain = address.rpartition("@")
    return f"{local}@{punycode(domain)}"


@deconstructible
class EmailAddressValidator(EmailValidator):
    """Django's email validator, with a message of its own for non-ASCII characters before the @."""

    non_ascii_message = _(
        "Letters such as å, ä or ö before the @ cannot be delivered by our mail system; "
        "enter another address for this person."
    )

    too_long_message = _(
        "This email address is too long: email allows at most 254 characters, and some letters "
        "(such as ß) count as two."
    )
    domain_too_long_message = _(
        "The part after @ cannot be used for email: a part of it between dots is too long "
        "(at most 63 characters, and letters such as ä or ß count as more than one)."
    )

    def __call__(self, value: str) -> None:
        local, _sep, _domain = (value or "").rpartition("@")
        if local and not local.isascii():
            raise ValidationError(
                self.non_ascii_message, code="non_ascii_local_part", params={"value": value}
            )
        super().__call__(value)
        # Case-folded as customers.contacts.normalize_email keeps it beside the address.
        if len(value.strip().casefold()) > MAX_LENGTH:
            raise ValidationError(self.too_long_message, code="too_long", params={"value": value})
        try:
            sent = as_sent(value)
        except UnicodeError as exc:
            raise ValidationError(
                self.domain_too_long_message, code="domain_too_long", params={"value": value}
            ) from exc
        if len(sent) > MAX_LENGTH:
            raise ValidationError(self.too_long_message, code="too_long", params={"value": value})


validate_email_address = EmailAddressValidator()


def email_lines(value: str) -> list[str]:
    """The addresses of a field holding one address per line."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@deconstructible
class EmailLinesValidator:
    """Every line of the value is an email address (fields holding several, one per line)."""

    message = _("Line %(number)s (%(address)s): %(error)s")

    def __call__(self, value: str) -> None:
        errors = []
        for number, line in enumerate((value or "").splitlines(), 1):
            if line.strip():
                try:
                    validate_email_address(line.strip())
                except ValidationError as error:
                    errors.append(
                        ValidationError(
                            self.message,
                            code="invalid",
                            params={
                                "number": number,
                                "address": line.strip(),
                                "error": " ".join(error.messages),
                            },
                        )
                    )
        if errors:
            raise ValidationError(errors)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EmailLinesValidator)


validate_email_lines = EmailLinesValidator()


def _without_invisible_characters(value: str) -> str:
    """Remove control and format characters: NUL, zero-width spaces and joiners, direction marks."""
    import unicodedata

    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf"))


class EmailAddressFormField(forms.EmailField):
    """The form field of an email address: invisible characters and surrounding spaces removed."""

    default_validators = [validate_email_address]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return _without_invisible_characters(value).strip() if value else value


class EmailAddressField(models.EmailField):
    """The model field of an email address, used by every model that stores one."""

    default_validators = [validate_email_address]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": EmailAddressFormField, **kwargs})
