"""Erasure of a customer (GDPR Art. 17) with legal holds, read from the privacy registry.

``preview_erasure(customer)`` (``requests.erasure_plan``) says, per model, which rows will be
anonymised or deleted and which are retained, under which legal hold and until when.
``erase_customer(...)`` applies the plan in one transaction. ``erase_for_request(...)`` runs it for
every customer of a verified erasure request and tells the customer the outcome, in their language.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import ProtectedError
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.models import ConsentEvent, Customer, ErasureMode, Order, Suppression, anonymous_number
from register import outbox
from register.events import EventType, queue_event
from register.registry import (
    ERASED_TEXT,
    Declaration,
    RowAction,
    collector_paused,
    hold_label,
    memoised_lookups,
)
from requests.erasure_plan import (
    RETAIN,
    PlanItem,
    preview_erasure,
    purge_after_of,
)
from requests.identity import require_identity
from requests.models import (
    AccessReport,
    ErasureRecord,
    Request,
    RequestEvent,
    RequestMessage,
    TransitionError,
)

logger = logging.getLogger(__name__)

# Rows per statement: as many as the database takes parameters (SQLite 999; PostgreSQL's client-side
# binding has no limit), so erasing 10,000 orders is one statement per step, not one per 500 rows.
# A margin is left for the statement's other parameters (the values written, a content type).
CHUNK = (connection.features.max_query_params or 1_000_100) - 100
# The record's action for report files deleted with the customer (the rows stay as evidence).
FILE_DELETED = "delete_file"


class ErasureBlocked(TransitionError):
    """The customer cannot be erased now: a legal claim holds the data (GDPR Art. 17(3)(e))."""


def _in(field: str, values: list, cast: str = "bigint") -> models.Q:
    """``field IN values``: on PostgreSQL as one array parameter (``unnest``), which costs nothing to send
    however many values there are, instead of one parameter per value."""
    if connection.vendor == "postgresql":
        # The cast is one of this module's constants; the values are one bound parameter.
        return models.Q(**{f"{field}__in": RawSQL(f"SELECT unnest(%s::{cast}[])", [list(values)])})  # noqa: S611
    return models.Q(**{f"{field}__in": values})


def _chunks(values: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- The generic eraser ----------------------------------------------------------------------


def default_eraser(
    declaration: Declaration, pks: list[int], delete: bool, per_row: dict[str, dict[int, Any]] | None = None
) -> None:
    """Anonymise or delete rows ``pks`` of the declaration's model, set-based.

    ``per_row`` gives columns written in the same statement with a value of each row's own
    (``{column: {pk: value}}``, e.g. an order's ``purge_after``), so a row is written once.
    ``QuerySet.update()`` writes no history rows, so the old values are not copied into the
    history table on the way out (docs/legal.md, "Known traps"); ``scrub_history`` then cleans
    what the history table already holds.
    """
    manager = declaration.model._default_manager
    values = declaration.erase_values()
    # A CASE names each row once more: half as many rows per statement where parameters are limited.
    for chunk in _chunks(pks, CHUNK // 2 if per_row else CHUNK):
        if delete:
            manager.filter(_in("pk", chunk)).delete()
            continue
        written = dict(values)
        for column, by_pk in (per_row or {}).items():
            case = _per_row_case(declaration.model, column, by_pk, chunk)
            if case is not None:
                written[column] = case
        if written:
            manager.filter(_in("pk", chunk)).update(**written)


def scrub_history(declaration: Declaration, pks: list[int], delete: bool) -> None:
    """Remove the personal fields from the history rows of ``pks`` (and history of deleted rows)."""
    history = declaration.history_model()
    if history is None or not pks:
        return
    tracked = {f.attname for f in history._meta.concrete_fields}
    values = {name: value for name, value in declaration.erase_values().items() if name in tracked}
    for chunk in _chunks(pks):
        rows = history._default_manager.filter(_in("id", chunk))
        if delete:
            rows.delete()
        elif values:
            rows.update(**values)


def scrub_admin_log(objects: list[tuple[Declaration, list[int]]]) -> None:
    """Scrub the admin's LogEntry rows of the objects in one statement: ``object_repr`` copies ``str(obj)``.

    Split only where the database limits a statement's parameters (SQLite).
    """
    by_model: dict[type[models.Model], list[int]] = defaultdict(list)
    for declaration, pks in objects:
        by_model[declaration.model].extend(pks)
    # The content types of every model at once (one query at most, none once cached).
    content_types = ContentType.objects.get_for_models(*by_model, for_concrete_models=False)
    conditions: list[tuple[int, list[str]]] = []
    for model, pks in by_model.items():
        conditions += [(content_types[model].pk, [str(pk) for pk in chunk]) for chunk in _chunks(sorted(pks))]
    batch: list[tuple[int, list[str]]] = []
    size = 0
    for content_type_id, ids in conditions + [(0, [])]:
        if batch and (not ids or size + len(ids) > CHUNK):
            where = models.Q()
            for ct, object_ids in batch:
                where |= models.Q(content_type_id=ct) & _in("object_id", object_ids, cast="text")
            LogEntry.objects.filter(where).update(object_repr=ERASED_TEXT, change_message="")
            batch, size = [], 0
        if ids:
            batch.append((content_type_id, ids))
            size += len(ids) + 1


def _apply(
    item: PlanItem,
    *,
    delete: bool,
    pks: list[int] | None = None,
    per_row: dict[str, dict[int, Any]] | None = None,
) -> None:
    """Erase the item's rows (or ``pks``) and scrub their history; ``per_row`` as in ``default_eraser``,
    written separately by a declaration's own eraser."""
    pks = item.pks if pks is None else pks
    if item.declaration.eraser is None:
        default_eraser(item.declaration, pks, delete, per_row)
    else:
        item.declaration.eraser(item.declaration, pks, delete)
        manager = item.model._default_manager
        for column, by_pk in (per_row or {}).items():
            for chunk in _chunks(pks, CHUNK // 2):
                case = _per_row_case(item.model, column, by_pk, chunk)
                if case is not None:
                    manager.filter(_in("pk", chunk)).update(**{column: case})
    scrub_history(item.declaration, pks, delete)


def _delete_or_anonymise(item: PlanItem) -> list[int]:
    """Delete the item's rows; anonymise those a kept row still protects. Return those, removed from it.

    Django refuses a protected delete before it writes anything, so a refused chunk is retried one
    row at a time and nothing is half done.
    """
    kept: list[int] = []
    for chunk in _chunks(item.pks):
        try:
            _apply(item, delete=True, pks=chunk)
        except ProtectedError:
            for pk in chunk:
                try:
                    _apply(item, delete=True, pks=[pk])
                except ProtectedError:
                    _apply(item, delete=False, pks=[pk])
                    kept.append(pk)
    if kept:
        item.pks = [pk for pk in item.pks if pk not in set(kept)]
    return kept


def unlink_customer_numbers(pks: list[int]) -> None:
    """Replace the customer numbers of anonymised customers, in the row and its history, by ``anon-<id>``.

    The shop's own systems know the customer number; once no kept record needs it, an anonymised
    row must not carry it (GDPR Recital 26).
    """
    Customer.objects.filter(pk__in=pks).update(customer_number=anonymous_number())
    Customer.history.model.objects.filter(id__in=pks).update(customer_number=anonymous_number())


# --- Erasure ---------------------------------------------------------------------------------


def _suppression_facts(customers: models.QuerySet) -> models.QuerySet:
    """``customers`` with ``should_suppress``: whether their contacts go on the suppression list when
    they are erased, computed by the database with the row.

    Rule: when the customer ever withdrew a marketing consent or objected (ledger withdrawal of
    a marketing purpose, an objection or withdrawal request, or a contact already suppressed).
    Erasure alone does not suppress: a person who later returns and consents anew may then be
    marketed to (GDPR Art. 21(3) needs an objection; Art. 17 does not).
    """
    customer = models.OuterRef("pk")
    digests = [models.OuterRef("email_digest"), models.OuterRef("phone_digest")]
    withdrew = ConsentEvent.objects.filter(
        customer=customer, action=ConsentEvent.Action.WITHDRAWN, purpose__is_marketing=True
    )
    objected = Request.objects.filter(
        customers=customer, kind__in=[Request.Kind.OBJECTION, Request.Kind.WITHDRAWAL]
    )
    suppressed = Suppression.objects.exclude(digest="").filter(digest__in=digests)
    return customers.annotate(
        should_suppress=models.Q(models.Exists(withdrew))
        | models.Q(models.Exists(objected))
        | models.Q(models.Exists(suppressed))
    )


def _per_row_case(model: type[models.Model], column: str, values: dict[int, Any], pks: list[int]) -> Any:
    """``column`` set to each row's own value in ``values`` (a CASE over the few distinct values), the
    rows of ``pks`` without one keeping theirs; None when no row of ``pks`` has one."""
    buckets: dict[Any, list[int]] = defaultdict(list)
    for pk in pks:
        if pk in values:
            buckets[values[pk]].append(pk)
    if not buckets:
        return None
    whens = [
        models.When(_in("pk", group), then=models.Value(value)) for value, group in sorted(buckets.items())
    ]
    return models.Case(*whens, default=models.F(column), output_field=model._meta.get_field(column))


def _set_purge_after(ends: dict[int, datetime.date], pks: list[int]) -> None:
    """Write ``purge_after`` of the orders ``pks`` from ``ends``, in one statement."""
    for chunk in _chunks(pks, CHUNK // 2):
        case = _per_row_case(Order, "purge_after", ends, chunk)
        if case is not None:
            Order.objects.filter(_in("pk", chunk)).update(purge_after=case)


def erase_customer(
    customer: Customer,
    *,
    request: Request | None = None,
    by=None,
    reason: str,
    mode: str = ErasureMode.ANONYMISE,
) -> ErasureRecord:
    """Erase ``customer`` (GDPR Art. 17) in one transaction; return the record of what was done.

    ``mode`` is the customer's choice (``Request.erasure_choice``). Anonymise: the customer row stays
    without any identifier, for statistics such as order counts; its customer number is replaced
    once no kept record needs it. Delete: rows without a hold are deleted, the customer row too —
    at once when no kept order or bookkeeping record refers to it, else it stays without identifiers
    and the retention job deletes it with the last of them. Held rows are the same in both modes.

    Guarantees, all or nothing:
    * profile and contact data anonymised with values that pass model validation; free texts
      cleared;
    * orders, invoices, payments and returns kept without direct identifiers while a bookkeeping
      period or a statutory hold covers them (Art. 17(3)(b), (e)), each order with a ``purge_after``
      date at the latest end; unfinished orders, open returns and unpaid invoices in debt
      collection kept as they are until finished;
    * the consent ledger reduced to one withdrawal per purpose ever granted;
    * the history rows of every affected row scrubbed (the anonymising writes themselves are
      set-based and create no history), and the admin LogEntry rows of them scrubbed;
    * email and phone put on the suppression list as keyed hashes when the customer had
      withdrawn marketing consent or objected (see ``_suppression_facts``);
    * requests about the customer minimised: kind, dates and outcome stay, email, name and
      free texts go;
    * an ``ErasureRecord`` listing models, row ids and fields (never values), and the retained
      rows with their hold and end date; ``customer.erased_at`` set.

    Without a ``request``, each recipient with a webhook is sent a ``customer.erased`` event in the same
    transaction (with a request, ``erase_for_request`` sends them with the Art. 19 tasks).

    Raises ``ErasureBlocked`` while a legal claim is active. The retention job calls this with
    ``request=None, by=None, reason="retention"`` (anonymise).
    """
    with transaction.atomic(), memoised_lookups(), collector_paused():
        # The row locked, whether the customer's contacts go on the suppression list and whether the
        # request already names the customer, in one query.
        locked = _suppression_facts(Customer.objects.select_for_update(of=("self",)))
        if request is not None:
            named = Request.customers.through.objects.filter(request=request, customer=models.OuterRef("pk"))
            locked = locked.annotate(named=models.Exists(named))
        customer = locked.get(pk=customer.pk)
        if request is not None and not customer.named:
            request.customers.add(customer)
        plan = preview_erasure(customer, mode)
        if plan.blocked:
            raise ErasureBlocked(
                gettext("A legal claim is noted for this customer; the data cannot be erased now.")
            )
        suppress = customer.should_suppress
        granted = set(
            ConsentEvent.objects.filter(customer=customer, action=ConsentEvent.Action.GRANTED).values_list(
                "purpose_id", flat=True
            )
        )
        email, phone = customer.email_normalized, customer.phone_normalized
        # Read with the plan, before any row goes: deleting the customer row also unlinks their requests.
        request_pks = sorted({pk for item in plan.items if item.model is Request for pk in item.pks})
        purge_after = purge_after_of(plan)
        now = timezone.now()

        # Rows of one model anonymised alike (under different holds) are written together; an
        # order's ``purge_after`` in the same statement, so each order row is written once.
        anonymised: dict[str, tuple[Declaration, list[int]]] = {}
        for item in plan.items:
            if item.scrubs and item.action != RowAction.DELETE:
                anonymised.setdefault(item.label, (item.declaration, []))[1].extend(item.pks)
        written: set[int] = set()
        stamped = False
        for declaration, pks in anonymised.values():
            per_row = None
            if declaration.model is Order:
                per_row = {"purge_after": purge_after}
                written.update(pks)
            elif declaration.model is Customer and customer.pk in pks:
                # The customer row stays: when and how it was erased, in the same statement.
                per_row = {"erased_at": {customer.pk: now}, "erasure_mode": {customer.pk: mode}}
                stamped = True
            _apply(PlanItem(declaration, RowAction.ANONYMISE, sorted(pks)), delete=False, per_row=per_row)
        # Rows to delete go children first (returns and payments before their orders, the customer
        # row last), so that a foreign key never protects a row whose own holder goes too.
        deleted = False
        for item in reversed(
            [item for item in plan.items if item.scrubs and item.action == RowAction.DELETE]
        ):
            gone = item.model is Customer and customer.pk in item.pks
            kept = _delete_or_anonymise(item)
            if kept:
                plan.items.append(PlanItem(item.declaration, RowAction.ANONYMISE, kept))
            deleted = deleted or (gone and customer.pk not in kept)
        # The admin's log of every row anonymised or deleted, in one statement.
        scrub_admin_log([(item.declaration, item.pks) for item in plan.items if item.scrubs and item.pks])

        if not deleted:
            evidence = f"erasure {request.number}" if request is not None else f"erasure: {reason}"[:200]
            via = ConsentEvent.Via.REQUEST if request is not None else ConsentEvent.Via.STAFF
            # The ledger was deleted above; what remains proves that marketing ended (Art. 7(1)).
            ConsentEvent.objects.bulk_create(
                ConsentEvent(
                    customer=customer,
                    purpose_id=purpose_id,
                    action=ConsentEvent.Action.WITHDRAWN,
                    occurred_at=timezone.now(),
                    via=via,
                    evidence=evidence,
                )
                for purpose_id in sorted(granted)
            )
        # Kept orders not written above (those kept as they are) get their ``purge_after`` too.
        _set_purge_after(purge_after, sorted(purge_after.keys() - written))
        withdrawn: list[int] = []
        if request_pks:
            # Earlier access reports and portability exports hold everything just erased: their links
            # answer 410 from the commit on, and their files go right after it (GDPR Art. 17(1)).
            withdrawn = AccessReport.objects.filter(request__in=request_pks).withdraw(now)
            # Queued or failed emails about the customer's requests still hold the address and the text.
            outbox.cancel_for(outbox.reference_for(Request(pk=pk)) for pk in request_pks)
        if suppress:
            Suppression.add(email=email or None, phone=phone or None, reason=Suppression.Reason.ERASURE)
        if not deleted:
            if not stamped:
                Customer.objects.filter(pk=customer.pk).update(erased_at=now, erasure_mode=mode)
            if mode == ErasureMode.ANONYMISE and not plan.keeps_customer_row:
                # Nothing kept needs the shop's number any more: an anonymous row has none (Art. 4(1)).
                unlink_customer_numbers([customer.pk])
        items = [item.as_record() for item in plan.items]
        if withdrawn:
            items.append(
                {
                    "model": AccessReport._meta.label_lower,
                    "action": FILE_DELETED,
                    "hold": "",
                    "until": None,
                    "fields": [],
                    "pks": withdrawn,
                }
            )
        record = ErasureRecord.objects.create(
            customer=None if deleted else customer,
            request=request,
            erased_at=now,
            erased_by=by,
            reason=reason[:200],
            mode=mode,
            items=items,
        )
        if request is not None:
            request.log(RequestEvent.Kind.ERASED, by=by, detail=f"{customer.pk} ({ErasureMode(mode).label})")
        else:
            # An erasure of no request (the retention rule's) reaches the recipients' copies too (GDPR
            # Art. 19); a request's erasure sends its events with its Art. 19 tasks (``erase_for_request``).
            # The customer as read before the erasure names them (the shop's id may be gone).
            queue_event(EventType.ERASED, customer, fields=erased_customer_fields([record]), occurred_at=now)
    # Ids only: the log never holds what was erased.
    logger.info(
        "Customer %s erased: erasure record %s, request %s, by user %s",
        customer.pk,
        record.pk,
        request.pk if request is not None else "-",
        getattr(by, "pk", None) or "-",
    )
    return record


def erase_for_request(request: Request, *, by) -> list[ErasureRecord]:
    """Erase every customer of a verified erasure request and tell the customer the outcome.

    One transaction, with the request's row locked: two staff members pressing *Erase* at the same
    moment erase once, and the second is told. The outcome email, in the request's language, lists
    what is retained, why and until when; it is queued in the same transaction (sent after commit)
    and stored as correspondence without the address it went to, because the request itself is
    minimised.
    """
    if request.kind != Request.Kind.ERASURE:
        raise TransitionError(gettext("Only an erasure request erases customers."))
    with transaction.atomic():
        request._lock()
        if not request.is_verified or not request.is_open:
            raise TransitionError(gettext("Only an open, verified request can be applied."))
        require_identity(request)
        customers = list(request.customers.order_by("pk"))
        if not customers and ErasureRecord.objects.filter(request=request).exists():
            # A customer who chose deletion leaves the match when deleted.
            raise TransitionError(
                gettext("The customers of this request are already erased."), code="concurrent_change"
            )
        if not customers:
            raise TransitionError(gettext("Confirm which customers the request concerns first."))
        done = set(
            ErasureRecord.objects.filter(request=request, customer__in=customers).values_list(
                "customer_id", flat=True
            )
        )
        customers = [customer for customer in customers if customer.pk not in done]
        if not customers:
            raise TransitionError(
                gettext("The customers of this request are already erased."), code="concurrent_change"
            )
        # Kept in memory only: the request is minimised by the erasure.
        to, language = request.email, request.language
        if request.status == Request.Status.VERIFIED:
            request.start(by=by)
        records = [
            erase_customer(
                customer,
                request=request,
                by=by,
                reason=f"request {request.number}",
                mode=request.erasure_choice,
            )
            for customer in customers
        ]
        from requests.rights import create_recipient_notifications

        # The customers as read before the erasure name them in the events (the shop's id may be gone).
        create_recipient_notifications(
            request, "erasure", customers=customers, fields=erased_customer_fields(records)
        )
        if to:
            send_outcome(request, records, to=to, language=language, by=by)
    return records


def erased_customer_fields(records: list[ErasureRecord]) -> list[str]:
    """The customer fields the erasure emptied (names only), for the recipients' events."""
    label = Customer._meta.label_lower
    return sorted(
        {
            name
            for record in records
            for item in record.items
            if item.get("model") == label
            for name in item.get("fields") or []
        }
    )


def retained_summary(records: list[ErasureRecord], language: str) -> list[dict[str, Any]]:
    """What was retained, grouped per model, holds and end date, labelled in ``language``."""
    return summarise_retained([item for record in records for item in record.items], language)


def summarise_retained(items: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """Group erasure-record items (``PlanItem.as_record()``) that are retained, for customers to read.

    Each group: ``what`` (the records, in ``language``), ``count``, ``until`` (the latest end, None when
    a hold ends with an event), ``why`` (the deciding hold) and ``holds``: every hold with its name,
    statute and end date.
    """
    groups: dict[tuple, int] = defaultdict(int)
    for item in items:
        if item["action"] != RETAIN:
            continue
        holds = tuple(
            (h["hold"], h.get("kind", ""), h.get("statute", ""), h.get("until"))
            for h in item.get("holds") or [{"hold": item["hold"], "until": item["until"]}]
        )
        groups[(item["model"], item["hold"], item["until"], holds)] += len(item["pks"])
    result = []
    # The same few holds and models name thousands of groups (one per end date): each named once.
    labels: dict[tuple[str, str], str] = {}
    whats: dict[str, str] = {}

    def label_of(name: str, kind: str = "") -> str:
        if (name, kind) not in labels:
            labels[(name, kind)] = hold_label(name, kind)
        return labels[(name, kind)]

    with translation.override(language):
        for (label, hold, until, holds), count in sorted(
            groups.items(), key=lambda kv: (kv[0][0], kv[0][2] or "9999", kv[0][1], kv[0][3])
        ):
            if label not in whats:
                whats[label] = str(apps.get_model(label)._meta.verbose_name_plural)
            result.append(
                {
                    "what": whats[label],
                    "count": count,
                    "why": label_of(hold),
                    "until": datetime.date.fromisoformat(until) if until else None,
                    "holds": [
                        {
                            "name": label_of(name, kind),
                            "statute": statute,
                            "until": datetime.date.fromisoformat(end) if end else None,
                        }
                        for name, kind, statute, end in holds
                    ],
                }
            )
    return result


def send_outcome(request: Request, records: list[ErasureRecord], *, to: str, language: str, by) -> None:
    """Email the erasure outcome and store it on the request (without the recipient address)."""
    from requests.emails import request_context, send_email

    with translation.override(language):
        anonymised = any(record.mode == ErasureMode.ANONYMISE for record in records)
        context = request_context(
            request, {"retained": retained_summary(records, language), "anonymised": anonymised}
        )
    subject, text, _html = render_outcome(context, language)
    send_email("erasure_outcome", to=[to], language=language, context=context, about=request)
    RequestMessage.objects.create(
        request=request,
        direction=RequestMessage.Direction.OUTGOING,
        template="erasure_outcome",
        recipient="",
        subject=subject,
        body=text,
        language=language,
        sent_by=by,
    )
    request.log(RequestEvent.Kind.MESSAGE_SENT, by=by, detail=subject)


def render_outcome(context: dict, language: str) -> tuple[str, str, str | None]:
    from requests.emails import render_email

    return render_email("erasure_outcome", language, context)
