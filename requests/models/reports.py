"""Access reports (GDPR Art. 15, 20) and rectifications (Art. 16): what the customer was given."""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests.models.request import Request, RequestEvent


class AccessReportQuerySet(models.QuerySet):
    def live(self, now: datetime | None = None) -> "AccessReportQuerySet":
        """Reports whose file still exists and whose link has not expired."""
        return self.filter(deleted_at__isnull=True, expires_at__gt=now or timezone.now())

    def expired(self, now: datetime | None = None) -> "AccessReportQuerySet":
        """Reports past their expiry whose file is not yet deleted (the retention job deletes them)."""
        return self.filter(deleted_at__isnull=True, expires_at__lte=now or timezone.now())

    def withdraw(self, now: datetime | None = None) -> list[int]:
        """Stop these reports' links now and delete their files once the transaction commits.

        The rows are marked deleted in the caller's transaction, so the links answer 410 from the
        commit on; the files go only after the commit, so a rollback never leaves a deleted file
        behind a row that still offers it. A file left behind by a crash between the commit and
        the deletion is found and removed by the ``access_report`` retention rule. Returns the ids.
        """
        now = now or timezone.now()
        rows = list(self.filter(deleted_at__isnull=True).order_by("pk").values_list("pk", "file_path"))
        pks = [pk for pk, _path in rows]
        if pks:
            AccessReport.objects.filter(pk__in=pks).update(deleted_at=now)
            paths = [private_path(file_path) for _pk, file_path in rows]
            transaction.on_commit(lambda: remove_files(paths))
        return pks


def private_path(file_path: str) -> Path:
    """The absolute path of a file stored under settings.PRIVATE_STORAGE_ROOT."""
    return Path(settings.PRIVATE_STORAGE_ROOT) / file_path


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


class AccessReport(models.Model):
    """A generated copy of a customer's data (GDPR Art. 15(3)) or portability export (Art. 20).

    The file lives under settings.PRIVATE_STORAGE_ROOT, never under a public media path, and is
    only served through the signed, logged download view until ``expires_at``.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access report (Art. 15)")
        PORTABILITY = "portability", _("Portability export (Art. 20)")

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="reports", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file_path = models.CharField(
        _("file"),
        max_length=255,
        editable=False,
        help_text=_("Path relative to the private storage folder; never publicly served."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(
        _("link expires at"),
        db_index=True,
        help_text=_("After this the download link stops working and the file is deleted."),
    )
    deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    customer_count = models.PositiveIntegerField(
        _("customers included"),
        default=0,
        help_text=_("Zero means the report confirms that no data about the person is held."),
    )
    released_at = models.DateTimeField(
        _("released at"),
        null=True,
        blank=True,
        help_text=_(
            "When staff reviewed the report and released it to the customer; only a released "
            "report's link can be emailed."
        ),
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AccessReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("access report")
        verbose_name_plural = _("access reports")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("generate_report", _("Can generate, download and send access and portability reports")),
        ]
        indexes = [
            models.Index(fields=["deleted_at", "expires_at"], name="accessreport_expiry"),
        ]

    def __str__(self) -> str:
        return gettext("Report %(id)s for %(request)s") % {"id": self.pk, "request": self.request}

    @property
    def path(self) -> Path:
        return private_path(self.file_path)

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.request.number}-{self.created_at:%Y%m%d}.zip"

    def is_available(self, now: datetime | None = None) -> bool:
        """Whether the file may still be downloaded: not deleted, not expired, present on disk."""
        now = now or timezone.now()
        return self.deleted_at is None and now < self.expires_at and self.path.is_file()

    def delete_file(self, now: datetime | None = None) -> None:
        """Delete the file and record when; the row stays as evidence that a copy was given."""
        self.path.unlink(missing_ok=True)
        self.deleted_at = now or timezone.now()
        self.save(update_fields=["deleted_at"])

    def log_download(self, *, user=None, by_customer: bool = False) -> "DownloadLog":
        """Record a download on the report and on its request's audit trail."""
        entry = DownloadLog.objects.create(
            report=self,
            user=user if user is not None and user.is_authenticated else None,
            by_customer=by_customer,
        )
        # The event names no customer detail: the downloader is "the customer" or a staff user.
        who = "" if by_customer else entry.user.get_username()
        RequestEvent.objects.create(
            request_id=self.request_id,
            kind=RequestEvent.Kind.REPORT_DOWNLOADED,
            actor=entry.user,
            detail_code="report_downloaded",
            detail_args={"id": self.pk, "who": who},
            at=entry.at,
        )
        return entry


class DownloadLog(models.Model):
    """One download of an access report. Holds no IP address or other data about the downloader."""

    report = models.ForeignKey(
        AccessReport, on_delete=models.CASCADE, related_name="downloads", verbose_name=_("report")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by_customer = models.BooleanField(_("by the customer"), default=False)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["report", "at"], name="downloadlog_report_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(by_customer=True), name="downloadlog_has_downloader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class WithheldItem(models.Model):
    """A text left out of an access report because it would adversely affect others (GDPR Art. 15(4)).

    The report's ``index.html`` lists the item as withheld, with this reason; ``data.json`` and the
    CSV files leave its text out. Only staff may withhold, only before the report is released, and
    only with a reason: the record of the decision (Art. 5(2)).
    """

    report = models.ForeignKey(
        AccessReport, on_delete=models.CASCADE, related_name="withheld_items", verbose_name=_("report")
    )
    table = models.CharField(_("table"), max_length=60)
    row_id = models.PositiveBigIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=60)
    reason = models.TextField(
        _("reason"),
        help_text=_(
            "Whose rights the text would affect, and how (GDPR Art. 15(4)). The customer reads "
            "this reason in the report."
        ),
    )
    withheld_at = models.DateTimeField(_("withheld at"), default=timezone.now)
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withheld by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("withheld item")
        verbose_name_plural = _("withheld items")
        ordering = ["report", "table", "row_id", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "table", "row_id", "field"], name="withhelditem_once_per_report"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="withhelditem_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.row_id} {self.field}"


class RectificationChangeQuerySet(models.QuerySet):
    def pending(self) -> "RectificationChangeQuerySet":
        return self.filter(applied_at__isnull=True, rejected_at__isnull=True)


class RectificationChange(models.Model):
    """One proposed correction of one customer field (GDPR Art. 16), and whether it was applied.

    Proposals from the public form have no customer yet: intake does no lookup. Staff link them
    to the matched customer when they review and apply.
    """

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="rectifications", verbose_name=_("request")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("customer"),
    )
    field = models.CharField(_("field"), max_length=40)
    current_value = models.TextField(
        _("value before"), blank=True, help_text=_("The value in the register when staff reviewed it.")
    )
    customer_value = models.TextField(
        _("value proposed by the customer"), blank=True, help_text=_("As the customer wrote it.")
    )
    proposed_value = models.TextField(_("value to apply"), blank=True)
    staff_edited = models.BooleanField(
        _("edited by staff"),
        default=False,
        help_text=_("The applied value differs from what the customer proposed."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("not applied at"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason for not applying"),
        blank=True,
        help_text=_("Why the proposed value was not applied; the customer is told."),
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("not applied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RectificationChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["request", "id"]
        permissions = [("apply_rectification", _("Can review and apply rectifications of customer data"))]
        indexes = [models.Index(fields=["request", "applied_at"], name="rectification_request")]
        constraints = [
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(customer__isnull=False),
                name="rectification_applied_to_customer",
            ),
            models.CheckConstraint(
                condition=Q(rejected_at__isnull=True) | ~Q(rejection_reason=""),
                name="rectification_not_applied_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.field_label()}"

    def field_label(self) -> str:
        """The corrected field as staff know it, in the active language."""
        from requests.rectification import RECTIFIABLE_FIELDS

        return str(RECTIFIABLE_FIELDS.get(self.field, self.field))


class SupplementaryStatement(models.Model):
    """A customer's statement completing incomplete data (GDPR Art. 16, second sentence)."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="supplementary_statements",
        verbose_name=_("customer"),
    )
    request = models.ForeignKey(
        Request,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplementary_statements",
        verbose_name=_("request"),
    )
    text = models.TextField(_("statement"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("supplementary statement")
        verbose_name_plural = _("supplementary statements")
        ordering = ["customer", "created_at", "id"]
        indexes = [models.Index(fields=["customer", "created_at"], name="supplement_customer_at")]

    def __str__(self) -> str:
        return f"{self.customer_id} {timezone.localtime(self.created_at):%Y-%m-%d}"
