"""Published privacy notices: immutable versions of the register description, and publishing."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from register.translation import LANGUAGE_CODES

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


from register.models.description import Register


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
