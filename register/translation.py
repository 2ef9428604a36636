"""Texts shown to customers, stored once per language in plain columns.

``Translated(models.TextField, _("text"))`` in a model body adds the columns
``text_sv``, ``text_fi``, ``text_nb`` and ``text_en``. They are ordinary model fields,
so django-simple-history copies them into the history tables and migrations list
them like any other column. ``obj.text`` returns the active language, falling back
to the register's original language.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)
# The languages of pages, emails and texts (settings.LANGUAGES) as model choices: Language.SV, ….
Language = models.TextChoices("Language", [(code.upper(), (code, name)) for code, name in settings.LANGUAGES])


class LanguagesField(models.JSONField):
    """A list of language codes of ``settings.LANGUAGES``, edited as one checkbox per language."""

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.MultipleChoiceField,
            "choices": Language.choices,
            "widget": forms.CheckboxSelectMultiple,
            **kwargs,
        }
        # models.Field.formfield: JSONField's own would add its encoder to a form field without one.
        return models.Field.formfield(self, **defaults)

    def validate(self, value, model_instance) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, list) or any(code not in LANGUAGE_CODES for code in value):
            raise ValidationError(
                _("Choose languages from: %(languages)s."),
                code="invalid_language",
                params={"languages": ", ".join(LANGUAGE_CODES)},
            )


class Translated:
    """Declare one customer-facing text as one column per language."""

    def __init__(self, field_class: type[models.Field], verbose_name: Any, required: bool = True, **kwargs):
        self.field_class = field_class
        self.verbose_name = verbose_name
        self.required = required
        self.kwargs = kwargs

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        for code in LANGUAGE_CODES:
            field = self.field_class(
                verbose_name=format_lazy("{} ({})", self.verbose_name, code), blank=True, **self.kwargs
            )
            cls.add_to_class(f"{name}_{code}", field)
        if "_translated_fields" not in cls.__dict__:
            cls._translated_fields = dict(getattr(cls, "_translated_fields", {}))
        cls._translated_fields[name] = self
        setattr(cls, name, _TranslatedAccessor(name))


class _TranslatedAccessor:
    def __init__(self, name: str):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return instance.translated(self.name)


class TranslatedModel(models.Model):
    """Base for models with ``Translated`` texts."""

    _translated_fields: dict[str, Translated] = {}

    class Meta:
        abstract = True

    def original_language(self) -> str | None:
        """The language the register was written in, when it is known without a query."""
        register = self._state.fields_cache.get("register")
        return getattr(register, "language", None)

    def translated(self, name: str, language: str | None = None) -> str:
        """Return text ``name`` in ``language`` (default: active), else the original language."""
        language = (language or translation.get_language() or "").split("-")[0]
        value = getattr(self, f"{name}_{language}", "") if language in LANGUAGE_CODES else ""
        if value:
            return value
        for code in (self.original_language(), *LANGUAGE_CODES):
            if code and (value := getattr(self, f"{name}_{code}", "")):
                return value
        return ""

    def texts(self, name: str) -> dict[str, str]:
        """Return text ``name`` in every language, e.g. ``{"sv": ..., "fi": ..., ...}``."""
        return {code: getattr(self, f"{name}_{code}") for code in LANGUAGE_CODES}

    def missing_translations(self, languages: list[str] | None = None) -> list[tuple[str, str]]:
        """Return ``(field name, language)`` for every required text left empty in ``languages``.

        An optional text is required in every language once it is written in one of them.
        """
        languages = list(languages or LANGUAGE_CODES)
        missing = []
        for name, spec in self._translated_fields.items():
            values = {code: value for code, value in self.texts(name).items() if code in languages}
            if not spec.required and not any(value.strip() for value in values.values()):
                continue
            missing += [(name, code) for code, value in values.items() if not value.strip()]
        return missing


def in_every_language(value: Any) -> dict[str, str]:
    """Render a (lazy) gettext string in every language."""
    result = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            result[code] = str(value)
    return result


def localise(data: Any, language: str, fallback: str | None = None) -> Any:
    """Replace every ``{"sv":…, "fi":…, "nb":…, "en":…}`` in ``data`` by its ``language`` text.

    An empty text is replaced by the ``fallback`` language's (the register's original), else by the
    first language that has one.
    """
    if isinstance(data, dict):
        if data and set(data) == set(LANGUAGE_CODES):
            return (
                data.get(language)
                or (data.get(fallback) if fallback else "")
                or next((v for v in data.values() if v), "")
            )
        return {key: localise(value, language, fallback) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [localise(value, language, fallback) for value in data]
    return data
