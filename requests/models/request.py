"""Data-subject requests (GDPR Art. 15–21) and their audit trail.

A request moves through a small state machine (see ``Request.TRANSITIONS``). Every move is
a model method that refuses invalid moves with ``TransitionError`` and writes a
``RequestEvent`` with the actor and the time; django-simple-history keeps every version
of the request itself.
"""

import functools
import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.contacts import normalize_email
from customers.models import ErasureMode
from register.email_address import EmailAddressField
from register.translation import Language
from requests import deadlines


class TransitionError(ValidationError):
    """A status change or action that the request's current state does not allow."""


def hash_token(token: str) -> str:
    """Return the stored form of a verification token; the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


# The statuses of requests staff cannot act on: the email never confirmed, or confirmation expired. The
# admin's list leaves them out; a partial index holds the rest by kind.
NOT_ACTIONABLE_STATUSES = ("received", "awaiting_verification", "expired")


class RequestQuerySet(models.QuerySet):
    def open(self) -> "RequestQuerySet":
        return self.filter(status__in=Request.OPEN_STATUSES)

    def actionable(self) -> "RequestQuerySet":
        """Exclude requests whose email was never confirmed: staff must not act on them."""
        return self.exclude(status__in=NOT_ACTIONABLE_STATUSES)

    def overdue(self, today: date | None = None) -> "RequestQuerySet":
        today = today or deadlines.today()
        return (
            self.actionable()
            .open()
            .filter(Q(extended_due_date__lt=today) | Q(extended_due_date__isnull=True, due_date__lt=today))
        )

    def due_within(self, days: int, today: date | None = None) -> "RequestQuerySet":
        """Open actionable requests due within ``days`` days, including overdue ones."""
        limit = (today or deadlines.today()) + timedelta(days=days)
        return (
            self.actionable()
            .open()
            .filter(Q(extended_due_date__lte=limit) | Q(extended_due_date__isnull=True, due_date__lte=limit))
        )

    def assigned_to(self, user) -> "RequestQuerySet":
        return self.filter(assignee=user)

    def unassigned(self) -> "RequestQuerySet":
        return self.filter(assignee__isnull=True)

    def unverified_older_than(self, days: int, now: datetime | None = None) -> "RequestQuerySet":
        """Unverified requests received more than ``days`` days ago (for expiry and retention)."""
        cutoff = (now or timezone.now()) - timedelta(days=days)
        return self.filter(status__in=Request.UNVERIFIED_STATUSES, received_at__lt=cutoff)

    def for_token(self, token: str) -> "RequestQuerySet":
        return self.filter(token_hash=hash_token(token))


@functools.cache
def _label(language: str | None) -> str:
    """A request's name in ``language`` (the active one), translated once per language: a list of
    requests names every row by it (each row's checkbox)."""
    return gettext("Request %(number)s")


class Request(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (inspection)")
        RECTIFICATION = "rectification", _("Rectification (correction)")
        ERASURE = "erasure", _("Erasure (deletion)")
        RESTRICTION = "restriction", _("Restriction of processing")
        OBJECTION = "objection", _("Objection to direct marketing")
        PORTABILITY = "portability", _("Data portability")
        WITHDRAWAL = "withdrawal", _("Withdrawal of consent")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    class Channel(models.TextChoices):
        WEB_FORM = "web_form", _("Web form")
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        SHOP = "shop", _("Web shop (API or webhook)")

    class VerificationMethod(models.TextChoices):
        EMAIL_LINK = "email_link", _("Email link")
        SIGNED_DOCUMENT = "signed_document", _("Signed document")
        PERSONAL_VISIT = "personal_visit", _("Personal visit")
        CUSTOMER_ACCOUNT = "customer_account", _("Logged-in customer account")
        OTHER = "other", _("Other")

    class RejectionReason(models.TextChoices):
        IDENTITY_NOT_VERIFIED = "identity_not_verified", _("Identity not verified")
        MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("Manifestly unfounded")
        EXCESSIVE = "excessive", _("Excessive or repetitive")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    email = EmailAddressField(_("email"), blank=True)
    email_normalized = models.CharField(
        _("normalised email"), max_length=254, blank=True, db_index=True, editable=False
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    customer_number = models.CharField(_("customer number"), max_length=50, blank=True)
    order_number = models.CharField(_("order number"), max_length=50, blank=True)
    message = models.TextField(_("message"), blank=True, help_text=_("The customer's own words."))
    rectification_wrong = models.TextField(_("what is wrong"), blank=True)
    rectification_correct = models.TextField(_("what it should be"), blank=True)
    erasure_choice = models.CharField(
        _("delete or anonymise"),
        max_length=10,
        choices=ErasureMode.choices,
        default=ErasureMode.DELETE,
        help_text=_(
            "For an erasure: the customer's choice. Delete removes the customer and everything no law "
            "keeps; anonymise keeps a customer row without any identifier, for statistics. Change it "
            "only with a reason."
        ),
    )
    withdrawal_purposes = models.JSONField(
        _("purposes withdrawn"),
        default=list,
        blank=True,
        help_text=_("Codes of the processing purposes whose consent the customer withdraws."),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
        help_text=_("Every message to the customer is written in this language."),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_via = models.CharField(
        _("received via"), max_length=20, choices=Channel.choices, default=Channel.WEB_FORM
    )
    due_date = models.DateField(
        _("due date"),
        help_text=_("One calendar month after receipt (GDPR Art. 12(3))."),
    )
    extended_due_date = models.DateField(_("extended due date"), null=True, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    token_expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True, editable=False)
    token_used_at = models.DateTimeField(_("link used at"), null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_method = models.CharField(
        _("verification method"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    verification_note = models.TextField(
        _("verification note"),
        blank=True,
        help_text=_(
            "How identity was confirmed, e.g. which document was seen. Do not copy identity "
            "document numbers here (GDPR Recital 64)."
        ),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customers = models.ManyToManyField(
        "customers.Customer",
        verbose_name=_("customers"),
        blank=True,
        related_name="data_requests",
        help_text=_(
            "The customers this request concerns. Proposed automatically after verification; "
            "it counts as checked only once staff confirm the match."
        ),
    )
    report_queued_at = models.DateTimeField(
        _("report being generated since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A large report is built by the background worker; set until it exists."),
    )
    report_queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("report queued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    report_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    match_confirmed_at = models.DateTimeField(_("match confirmed at"), null=True, blank=True)
    match_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("match confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=24, choices=RejectionReason.choices, blank=True
    )
    rejection_justification = models.TextField(
        _("rejection justification"),
        blank=True,
        help_text=_(
            "Why the request is refused; the controller must be able to demonstrate it (Art. 12(5))."
        ),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    identity_accepted = models.JSONField(
        _("identity evidence that suffices"),
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "From the notice in force when the request arrived (the register's identity rule for the "
            "right); empty: the usual verification suffices."
        ),
    )
    awaiting_identity = models.BooleanField(
        _("awaiting identity evidence"),
        default=False,
        db_index=True,
        editable=False,
        help_text=_(
            "The request is kept and its deadline runs, but nothing is fulfilled until staff record "
            "evidence of a kind that suffices."
        ),
    )

    # The token hash is a credential, not history worth keeping.
    history = HistoricalRecords(excluded_fields=["token_hash"])
    objects = RequestQuerySet.as_manager()

    OPEN_STATUSES = [
        Status.RECEIVED,
        Status.AWAITING_VERIFICATION,
        Status.VERIFIED,
        Status.IN_PROGRESS,
    ]
    UNVERIFIED_STATUSES = [Status.RECEIVED, Status.AWAITING_VERIFICATION]
    # Allowed status moves; anything else raises TransitionError.
    TRANSITIONS = {
        Status.RECEIVED: {Status.AWAITING_VERIFICATION, Status.VERIFIED, Status.REJECTED, Status.EXPIRED},
        Status.AWAITING_VERIFICATION: {Status.VERIFIED, Status.REJECTED, Status.EXPIRED},
        Status.VERIFIED: {Status.IN_PROGRESS, Status.REJECTED},
        Status.IN_PROGRESS: {Status.COMPLETED, Status.REJECTED},
        Status.COMPLETED: set(),
        Status.REJECTED: set(),
        Status.EXPIRED: set(),
    }

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["due_date", "id"]
        permissions = [
            ("process_request", _("Can process requests (verify, assign, extend, reply, complete)")),
            ("reject_request", _("Can reject requests")),
            ("erase_customer", _("Can erase customers (GDPR Art. 17)")),
        ]
        indexes = [
            # The admin's list order: the next deadline first, walked in order instead of sorting them all.
            models.Index(fields=["due_date", "id"], name="request_due_idx"),
            models.Index(fields=["status", "due_date"], name="request_status_due"),
            models.Index(fields=["status", "extended_due_date"], name="request_status_ext_due"),
            models.Index(fields=["status", "received_at"], name="request_status_received"),
            # The admin's filter by kind: its rows counted from the index, not by reading every request.
            models.Index(fields=["kind", "status"], name="request_kind_status"),
            # The same, of the requests the admin lists (actionable ones): counted with no filter per row.
            models.Index(
                fields=["kind"],
                condition=~Q(status__in=NOT_ACTIONABLE_STATUSES),
                name="request_actionable_kind",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | (~Q(rejection_reason="") & ~Q(rejection_justification="")),
                name="request_rejection_justified",
            ),
            models.CheckConstraint(
                condition=Q(extended_due_date__isnull=True) | Q(extended_due_date__gt=models.F("due_date")),
                name="request_extension_after_due",
            ),
        ]

    def __str__(self) -> str:
        # No name or email: the admin log copies this string (see docs/legal.md, known traps).
        return _label(get_language()) % {"number": self.number}

    def save(self, *args, **kwargs) -> None:
        self.email_normalized = normalize_email(self.email)
        if not self.due_date:
            self.due_date = deadlines.due_date_for(self.received_at)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:requests_request_change", args=[self.pk])

    @property
    def number(self) -> str:
        return f"R-{self.pk}" if self.pk else "R-?"

    @property
    def effective_due_date(self) -> date:
        return self.extended_due_date or self.due_date

    def days_left(self, today: date | None = None) -> int:
        return (self.effective_due_date - (today or deadlines.today())).days

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_verified(self) -> bool:
        return self.status not in NOT_ACTIONABLE_STATUSES

    # --- transitions ------------------------------------------------------------------------

    def _lock(self) -> None:
        """Lock this request's row until the transaction ends, and re-read it.

        Refuses when the status changed since this object was read: two staff members acting on
        the same request at the same moment never both succeed, and the second is told what
        happened. Call inside ``transaction.atomic()``; every state change starts with it.
        """
        read = self.status
        self.refresh_from_db(from_queryset=Request.objects.select_for_update())
        if self.status != read:
            message = CHANGED_BY_SOMEONE_ELSE.get(self.status)
            if message is None:
                message = gettext(
                    "This request became “%(status)s” a moment ago; reload the page and try again."
                ) % {"status": self.Status(self.status).label}
            raise TransitionError(str(message), code="concurrent_change")

    def _check_move(self, to: str) -> None:
        if to not in self.TRANSITIONS[self.status]:
            raise TransitionError(
                gettext("A request that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": self.Status(self.status).label,
                    "target": self.Status(to).label,
                },
                code="invalid_transition",
            )

    def _move(
        self,
        to: str,
        *,
        by=None,
        detail: str = "",
        at: datetime | None = None,
        fields: tuple[str, ...] = (),
        code: str = "",
        args: dict | None = None,
    ) -> None:
        """Move to status ``to`` saving only the status and ``fields``; the row must be locked."""
        self._check_move(to)
        self.status = to
        self._history_user = by
        self.save(update_fields=["status", *fields])
        self.log(EVENT_FOR_STATUS[to], by=by, detail=detail, at=at, code=code, args=args)

    def log(
        self,
        kind: str,
        *,
        by=None,
        detail: str = "",
        at: datetime | None = None,
        code: str = "",
        args: dict | None = None,
    ) -> "RequestEvent":
        """Record an event. A detail the product writes is ``code`` and ``args`` (``EVENT_DETAILS``),
        worded when shown, in the reader's language; ``detail`` is free text as staff typed it."""
        return RequestEvent.objects.create(
            request=self,
            kind=kind,
            actor=by,
            detail=detail,
            detail_code=code,
            detail_args=args or {},
            at=at or timezone.now(),
        )

    def issue_verification_token(self, now: datetime | None = None) -> str:
        """Create a fresh single-use link token; return it (only its hash is stored)."""
        now = now or timezone.now()
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            self._lock()
            self.token_hash = hash_token(token)
            self.token_expires_at = now + timedelta(hours=settings.REQUEST_VERIFICATION_HOURS)
            self.token_used_at = None
            token_fields = ("token_hash", "token_expires_at", "token_used_at")
            if self.status == self.Status.RECEIVED:
                self._move(self.Status.AWAITING_VERIFICATION, at=now, fields=token_fields)
            elif self.status == self.Status.AWAITING_VERIFICATION:
                self.save(update_fields=token_fields)
                self.log(RequestEvent.Kind.VERIFICATION_SENT, at=now)
            else:
                raise TransitionError(gettext("This request needs no email verification."))
        return token

    def token_state(self, now: datetime | None = None) -> str:
        """Return ``valid``, ``used`` or ``expired`` for this request's link."""
        now = now or timezone.now()
        if self.token_used_at or self.status != self.Status.AWAITING_VERIFICATION:
            return "used"
        if not self.token_expires_at or now >= self.token_expires_at:
            return "expired"
        return "valid"

    @transaction.atomic
    def verify_by_link(self, token: str, now: datetime | None = None) -> None:
        """Confirm control of the email address through the link's token (single use)."""
        now = now or timezone.now()
        self.refresh_from_db(from_queryset=Request.objects.select_for_update())
        if self.token_hash != hash_token(token) or self.token_state(now) != "valid":
            raise TransitionError(gettext("This link is no longer valid."), code="invalid_link")
        self.token_used_at = now
        self.verified_at = now
        self.verification_method = self.VerificationMethod.EMAIL_LINK
        self._move(
            self.Status.VERIFIED, at=now, fields=("token_used_at", "verified_at", "verification_method")
        )
        self.propose_match()
        self.apply_immediate_rights()

    def verify(self, *, by, method: str, note: str = "") -> None:
        """Record that staff confirmed the customer's identity (letter, visit, account...)."""
        if method not in self.VerificationMethod.values:
            raise TransitionError(gettext("Choose how identity was verified."))
        if method in (self.VerificationMethod.SIGNED_DOCUMENT, self.VerificationMethod.OTHER) and not note:
            raise TransitionError(gettext("Describe how identity was verified in the note."))
        with transaction.atomic():
            self._lock()
            self._check_move(self.Status.VERIFIED)
            self.verified_at = timezone.now()
            self.verified_by = by
            self.verification_method = method
            self.verification_note = note
            self.token_hash = None
            detail = f"{self.VerificationMethod(method).label}: {note}" if note else ""
            fields = ("verified_at", "verified_by", "verification_method", "verification_note", "token_hash")
            self._move(self.Status.VERIFIED, by=by, detail=detail, fields=fields)
            self._add_identity_evidence(method, note, by=by)
            self.propose_match()
            self.apply_immediate_rights()

    def record_identity_evidence(self, *, by, kind: str, note: str = "") -> None:
        """Record identity evidence staff saw (a signed document, a visit, ...); an event in the trail.

        An unverified request is verified by it. When the evidence is of a kind the right's identity
        rule accepts, the request stops waiting for evidence and what takes effect on verification
        (an objection, a withdrawal) is applied.
        """
        note = (note or "").strip()
        if kind not in self.VerificationMethod.values or kind == self.VerificationMethod.EMAIL_LINK:
            raise TransitionError(gettext("Choose which evidence you saw."))
        if kind in (self.VerificationMethod.SIGNED_DOCUMENT, self.VerificationMethod.OTHER) and not note:
            raise TransitionError(gettext("Describe the evidence in the note."))
        if not self.is_verified:
            self.verify(by=by, method=kind, note=note)
            return
        with transaction.atomic():
            self._lock()
            if not self.is_open:
                raise TransitionError(gettext("Only an open request can be applied."))
            was_awaiting = self.awaiting_identity
            self._add_identity_evidence(kind, note, by=by)
            if was_awaiting and not self.awaiting_identity:
                self.apply_immediate_rights()

    def _add_identity_evidence(self, kind: str, note: str, *, by) -> None:
        IdentityEvidenceEntry.objects.create(request=self, kind=kind, note=note, recorded_by=by)
        label = self.VerificationMethod(kind).label
        self.log(
            RequestEvent.Kind.IDENTITY_EVIDENCE, by=by, detail=f"{label}: {note}" if note else str(label)
        )
        if self.awaiting_identity and kind in self.identity_accepted:
            self.awaiting_identity = False
            self._history_user = by
            self.save(update_fields=["awaiting_identity"])

    def start(self, *, by) -> None:
        """Begin work on a verified request."""
        with transaction.atomic():
            self._lock()
            fields: tuple[str, ...] = ()
            if self.assignee_id is None:
                self.assignee = by
                fields = ("assignee",)
            self._move(self.Status.IN_PROGRESS, by=by, fields=fields)

    def complete(self, *, by) -> None:
        """Close the request as answered; refused until its fulfilment is done.

        What each kind of request needs is ``requests.fulfilment.missing_for_completion``; the
        customer is then told what was done where the kind calls for it (a rectification).
        """
        from requests.fulfilment import missing_for_completion, notify_completion

        with transaction.atomic():
            self._lock()
            self._check_move(self.Status.COMPLETED)
            missing = missing_for_completion(self)
            if missing:
                raise TransitionError(
                    [gettext("The request cannot be completed yet."), *missing], code="unfulfilled"
                )
            self.completed_at = self.closed_at = timezone.now()
            self._move(self.Status.COMPLETED, by=by, fields=("completed_at", "closed_at"))
            notify_completion(self, by=by)

    def reject(self, *, by, reason: str, justification: str, notify: bool = True) -> None:
        """Refuse the request, record why (Art. 12(5)) and tell the customer (Art. 12(4))."""
        justification = (justification or "").strip()
        if reason not in self.RejectionReason.values:
            raise TransitionError(gettext("Choose a reason for the rejection."))
        if not justification:
            raise TransitionError(
                gettext("A rejection needs a justification (GDPR Art. 12(5))."), code="justification"
            )
        with transaction.atomic():
            self._lock()
            self._check_move(self.Status.REJECTED)
            self.rejection_reason = reason
            self.rejection_justification = justification
            self.closed_at = timezone.now()
            self._move(
                self.Status.REJECTED,
                by=by,
                detail=justification,
                code="rejected",
                args={"reason": reason},
                fields=("rejection_reason", "rejection_justification", "closed_at"),
            )
            if notify and self.email:
                from requests.emails import send_request_email

                # Queued in this transaction: sent after commit, never for a refused rejection.
                send_request_email(self, "rejection", sent_by=by)

    def expire(self, now: datetime | None = None) -> None:
        """Give up on a request whose email was not confirmed within the expiry period."""
        now = now or timezone.now()
        if self.received_at > now - timedelta(days=deadlines.UNVERIFIED_EXPIRY_DAYS):
            raise TransitionError(gettext("Unverified requests expire only after seven days."))
        with transaction.atomic():
            self._lock()
            self.token_hash = None
            self.closed_at = now
            self._move(self.Status.EXPIRED, at=now, fields=("token_hash", "closed_at"))

    def assign(self, user, *, by) -> None:
        with transaction.atomic():
            self._lock()
            if not self.is_open:
                raise TransitionError(gettext("A closed request cannot be assigned."))
            self.assignee = user
            self._history_user = by
            self.save(update_fields=["assignee"])
            self.log(RequestEvent.Kind.ASSIGNED, by=by, detail=user.get_username() if user else "")

    def extend(self, *, by, months: int, reason: str, today: date | None = None) -> None:
        """Extend the deadline once, within the first month, by one or two months (Art. 12(3)).

        The customer is told of the extension and its reasons by email, in their language.
        """
        today = today or deadlines.today()
        reason = (reason or "").strip()
        with transaction.atomic():
            self._lock()
            if not self.is_open or not self.is_verified:
                raise TransitionError(gettext("Only an open, verified request can be extended."))
            if self.extended_due_date:
                raise TransitionError(gettext("The deadline has already been extended once."))
            if months not in range(1, deadlines.MAX_EXTENSION_MONTHS + 1):
                raise TransitionError(gettext("The deadline can be extended by at most two further months."))
            if today > self.due_date:
                raise TransitionError(
                    gettext("The deadline can only be extended within the first month, before %(date)s.")
                    % {"date": self.due_date.isoformat()}
                )
            if not reason:
                raise TransitionError(gettext("An extension needs a reason; it is sent to the customer."))
            self.extended_due_date = deadlines.add_months(self.due_date, months)
            self.extension_reason = reason
            self.extended_at = timezone.now()
            self.extended_by = by
            self._history_user = by
            self.save(update_fields=["extended_due_date", "extension_reason", "extended_at", "extended_by"])
            self.log(
                RequestEvent.Kind.EXTENDED,
                by=by,
                detail=f"{self.extended_due_date.isoformat()}: {reason}",
            )
            if self.email:
                from requests.emails import send_request_email

                send_request_email(self, "extension", sent_by=by)

    def apply_immediate_rights(self) -> None:
        """Objection (Art. 21(3)) and withdrawal (Art. 7(3)) take effect as soon as verified.

        While the right's identity rule still waits for evidence, they take effect once it is recorded.
        """
        from requests.rights import apply_on_verification

        if self.awaiting_identity:
            return

        apply_on_verification(self)

    # --- customers ---------------------------------------------------------------------------

    def propose_match(self) -> None:
        """Propose the customers this request is about; staff confirm or change the match."""
        from customers.models import Customer

        query = Q()
        if self.email_normalized:
            query |= Q(email_normalized=self.email_normalized)
        matches = Customer.objects.filter(query) if query else Customer.objects.none()
        number_query = Q()
        if self.customer_number:
            number_query |= Q(customer_number=self.customer_number)
        if self.order_number:
            number_query |= Q(orders__number=self.order_number)
        if number_query and self.email_normalized:
            # A number alone must not pull in someone else's data: it only narrows or
            # confirms an email match (GDPR Art. 15(4)).
            narrowed = matches.filter(number_query).distinct()
            if narrowed.exists():
                matches = narrowed
        self.customers.set(matches[:20])
        self.match_confirmed_at = None
        self.match_confirmed_by = None
        self.save(update_fields=["match_confirmed_at", "match_confirmed_by"])
        self.log(RequestEvent.Kind.MATCH_PROPOSED, detail=str(len(self.customers.all())))

    def confirm_match(self, customers, *, by) -> None:
        """Record that staff checked which customers (possibly none) the request concerns.

        An objection or a withdrawal is applied again to the confirmed customers, so it reaches
        exactly them (it is idempotent: only consents still granted are withdrawn).
        """
        customers = list(customers)
        with transaction.atomic():
            self._lock()
            if not self.is_verified:
                raise TransitionError(gettext("Verify the request before confirming whom it concerns."))
            self.customers.set(customers)
            self.match_confirmed_at = timezone.now()
            self.match_confirmed_by = by
            self._history_user = by
            self.save(update_fields=["match_confirmed_at", "match_confirmed_by"])
            numbers = ", ".join(c.customer_number for c in self.customers.order_by("pk"))
            self.log(RequestEvent.Kind.MATCH_CONFIRMED, by=by, detail=numbers)
            if self.is_open:
                self.apply_immediate_rights()

    def record_incoming_message(self, *, subject: str, body: str, by) -> "RequestMessage":
        """Store a message the customer sent outside the web form (email, letter, phone)."""
        with transaction.atomic():
            message = RequestMessage.objects.create(
                request=self,
                direction=RequestMessage.Direction.INCOMING,
                recipient="",
                subject=subject,
                body=body,
                language=self.language,
                sent_by=by,
            )
            self.log(RequestEvent.Kind.MESSAGE_RECEIVED, by=by, detail=subject)
        return message

    def change_erasure_choice(self, choice: str, *, by, reason: str) -> None:
        """Change whether the customer is deleted or anonymised; the reason goes into the trail.

        Only the customer decides (GDPR Art. 17): staff change it when the customer said otherwise
        by another channel, and record where.
        """
        reason = (reason or "").strip()
        if self.kind != self.Kind.ERASURE:
            raise TransitionError(gettext("Only an erasure request has this choice."))
        if choice not in ErasureMode.values:
            raise TransitionError(gettext("Choose delete or anonymise."))
        if not reason:
            raise TransitionError(gettext("Say why the choice changes, e.g. the customer's letter of 3 May."))
        with transaction.atomic():
            self._lock()
            if not self.is_open:
                raise TransitionError(gettext("The choice of a closed request cannot change."))
            if self.erasure_records.exists():
                raise TransitionError(gettext("The customer is already erased; the choice cannot change."))
            if choice == self.erasure_choice:
                raise TransitionError(gettext("That is the choice already recorded."))
            before = ErasureMode(self.erasure_choice).label
            self.erasure_choice = choice
            self._history_user = by
            self.save(update_fields=["erasure_choice"])
            self.log(
                RequestEvent.Kind.ERASURE_CHOICE_CHANGED,
                by=by,
                detail=f"{before} → {ErasureMode(choice).label}: {reason}",
            )

    def add_note(self, text: str, *, author) -> "InternalNote":
        return InternalNote.objects.create(request=self, author=author, text=text)


# The trail's models refer to ``Request`` as they are defined, and the request's methods write to them:
# they are imported once ``Request`` exists.
from requests.models.trail import (  # noqa: E402
    CHANGED_BY_SOMEONE_ELSE,
    EVENT_FOR_STATUS,
    IdentityEvidenceEntry,
    InternalNote,
    RequestEvent,
    RequestMessage,
)
