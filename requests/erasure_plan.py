"""The erasure plan: what erasing a customer would remove and retain, and why (GDPR Art. 17).

``preview_erasure(customer)`` says, per model, which rows will be anonymised or deleted and which are
retained, under which legal holds and until when; ``requests.erasure.erase_customer`` applies it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from customers.holds import RECORDS
from customers.models import Customer, ErasureMode
from register.registry import (
    Declaration,
    HoldMatch,
    HoldName,
    RowAction,
    collector_paused,
    matches_of,
    memoised_lookups,
    one_customer_plans,
    registry,
)
from requests.models import LegalClaim

RETAIN = "retain"
# Each bookkeeping record's lookup to its order, from the statutory holds' one list of them.
ORDER_OF = {model._meta.label_lower: path for model, path in RECORDS.values()}


@dataclass
class PlanItem:
    """Rows of one model treated the same way: anonymised, deleted or retained under a hold."""

    declaration: Declaration
    action: str
    pks: list[int] = field(default_factory=list)
    hold: str = ""
    reason: str = ""
    until: datetime.date | None = None
    keeps_identifiers: bool = False
    # Every hold on these rows, each with its statute and end date; ``hold`` and ``until`` are the
    # deciding one and the latest end (GDPR Art. 17(3)).
    holds: list[HoldMatch] = field(default_factory=list)

    @property
    def model(self) -> type[models.Model]:
        return self.declaration.model

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def count(self) -> int:
        return len(self.pks)

    @property
    def fields(self) -> list[str]:
        """The fields this item removes (none for rows kept as they are)."""
        if self.keeps_identifiers:
            return []
        if self.action == RowAction.DELETE:
            return list(self.declaration.personal)
        return self.declaration.erased_field_names()

    @property
    def field_labels(self) -> list[str]:
        """The removed fields as staff know them; copies the product computes (``editable=False``:
        normalised forms, keyed hashes) go with their source and are not listed."""
        labels = []
        for name in self.fields:
            try:
                model_field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                labels.append(name)
                continue
            if getattr(model_field, "editable", True):
                labels.append(str(getattr(model_field, "verbose_name", name)))
        return labels

    @property
    def hold_label(self) -> str:
        return str(HoldName(self.hold).label) if self.hold else ""

    @property
    def scrubs(self) -> bool:
        """Whether the rows' personal fields are removed (all but holds that keep identifiers)."""
        return not self.keeps_identifiers

    def as_record(self) -> dict[str, Any]:
        return {
            "model": self.label,
            "action": self.action,
            "hold": self.hold,
            "until": self.until.isoformat() if self.until else None,
            "holds": [match.as_record() for match in self.holds],
            "fields": self.fields,
            "pks": self.pks,
        }


# What happens to the customer row itself (``ErasurePlan.customer_row``).
ROW_DELETED = "deleted"
ROW_DELETED_LATER = "deleted_later"
ROW_ANONYMISED = "anonymised"


@dataclass
class ErasurePlan:
    customer: Customer
    items: list[PlanItem]
    claims: list[LegalClaim]
    mode: str = ErasureMode.ANONYMISE
    # The order of each bookkeeping record (``ORDER_OF``), read with the records: ``{label: {pk: order}}``.
    order_of: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def customer_row(self) -> str:
        """``deleted`` now; ``deleted_later``, with the last record a hold keeps; or ``anonymised``."""
        if self.mode != ErasureMode.DELETE:
            return ROW_ANONYMISED
        return ROW_DELETED_LATER if self.keeps_customer_row else ROW_DELETED

    @property
    def keeps_customer_row(self) -> bool:
        """Whether a kept order or bookkeeping record still refers to the customer row."""
        return any(item.label in ORDER_OF for item in self.retained)

    @property
    def blocked(self) -> bool:
        return bool(self.claims)

    @property
    def removed(self) -> list[PlanItem]:
        return [item for item in self.items if item.action != RETAIN]

    @property
    def retained(self) -> list[PlanItem]:
        return [item for item in self.items if item.action == RETAIN]


def preview_erasure(customer: Customer, mode: str = ErasureMode.ANONYMISE) -> ErasurePlan:
    """Return what erasing ``customer`` would remove and retain, per model, without changing anything.

    ``mode`` is the customer's choice: ``anonymise`` keeps a customer row without identifiers (for
    statistics); ``delete`` deletes the customer row and every row without a hold whose declaration
    says so (``on_delete_choice``). Rows under a hold are treated alike in both modes; while a kept
    order or bookkeeping record refers to the customer, a row to delete stays without identifiers
    and goes with the last of them (``customer_row``).

    A row under any hold is retained until the latest end of every hold on it (open-ended when one
    ends with an event, such as delivery or payment), kept as it is when one of them needs it so,
    else without direct identifiers; the item names every hold with its statute and end date. Rows
    under the same holds are grouped. A bounded number of queries per model and hold, whatever the
    number of rows; the shop's country, the controllers' countries, the bookkeeping periods and the
    statutory holds are read once.
    """
    with memoised_lookups(), collector_paused(), one_customer_plans():
        return _preview(customer, mode)


def _preview(customer: Customer, mode: str) -> ErasurePlan:
    today = timezone.localdate()
    claims = list(LegalClaim.objects.filter(customer=customer).active(today))
    declarations = registry.with_personal_data()
    # The rows of models without holds: their ids, all in one query.
    plain = _ids_of([d for d in declarations if not d.holds], customer)
    items: list[PlanItem] = []
    order_of: dict[str, dict[int, int]] = {}
    for declaration in declarations:
        keys: dict[int, int] = {}
        combos: dict[int, tuple[HoldMatch, ...]] = {}
        if declaration.holds:
            # Each row once, with every hold's facts (and its order, for ``purge_after``).
            path = ORDER_OF.get(declaration.model._meta.label_lower)
            extra = {"order": models.F(path)} if path else None
            holds = [] if claims else declaration.holds
            held = matches_of(holds, declaration.rows_for(customer), extra)
            pks = list(held.pks)
            keys, combos = held.keys, held.combos
            if path:
                order_of[declaration.model._meta.label_lower] = dict(held.rows)
        else:
            pks = plain[declaration.model]
        if claims:
            if pks:
                claim = claims[0]
                match = HoldMatch(
                    HoldName.LEGAL_CLAIM, claim.until, keeps_identifiers=True, reason=claim.note
                )
                items.append(
                    PlanItem(
                        declaration,
                        RETAIN,
                        pks,
                        hold=HoldName.LEGAL_CLAIM,
                        reason=claim.note,
                        until=claim.until,
                        keeps_identifiers=True,
                        holds=[match],
                    )
                )
            continue
        # Rows under the same holds are grouped (in the order of their first row).
        groups: dict[int, list[int]] = defaultdict(list)
        rest: list[int] = []
        for pk in pks:
            key = keys.get(pk)
            if key is None:
                rest.append(pk)
            else:
                groups[key].append(pk)
        for key, group in sorted(groups.items(), key=lambda kv: _latest(combos[kv[0]]).sort_key()):
            matches = combos[key]
            deciding = _latest(matches)
            open_ended = any(match.until is None for match in matches)
            items.append(
                PlanItem(
                    declaration,
                    RETAIN,
                    group,
                    hold=deciding.name,
                    reason=deciding.reason,
                    until=None if open_ended else deciding.until,
                    keeps_identifiers=any(match.keeps_identifiers for match in matches),
                    holds=list(matches),
                )
            )
        if rest:
            action = declaration.on_erase
            if mode == ErasureMode.DELETE and declaration.on_delete_choice:
                action = declaration.on_delete_choice
            items.append(PlanItem(declaration, action, rest))
    plan = ErasurePlan(customer=customer, items=items, claims=claims, mode=mode, order_of=order_of)
    if plan.customer_row == ROW_DELETED_LATER:
        # Kept records refer to the customer row: it stays, without identifiers, until they go.
        for item in plan.items:
            if item.model is Customer and item.action == RowAction.DELETE:
                item.action = RowAction.ANONYMISE
    return plan


def _ids_of(declarations: list[Declaration], customer: Customer) -> dict[type[models.Model], list[int]]:
    """The ids of each declared model's rows about ``customer``, in primary-key order, from one query
    (``UNION ALL`` of one plain indexed query per model)."""
    result: dict[type[models.Model], list[int]] = {declaration.model: [] for declaration in declarations}
    if not declarations:
        return result
    queries = [
        declaration.rows_for(customer)
        .order_by()
        .annotate(declared=models.Value(index, output_field=models.IntegerField()))
        .values_list("pk", "declared")
        for index, declaration in enumerate(declarations)
    ]
    for pk, index in queries[0].union(*queries[1:], all=True):
        result[declarations[index].model].append(pk)
    for pks in result.values():
        pks.sort()
    return result


def _latest(matches: tuple[HoldMatch, ...]) -> HoldMatch:
    """The hold that decides how long (and how) rows are kept: one keeping identifiers, else the latest."""
    return max(matches, key=lambda match: (match.keeps_identifiers, *match.sort_key()))


def purge_after_of(plan: ErasurePlan) -> dict[int, datetime.date]:
    """The day each retained order's last held record may go (its ``purge_after``), per order id.

    That is the latest dated end of the bookkeeping and statutory holds on the order and its lines,
    invoices, payments and returns (they may be dated later than the order). Worked out from the
    plan, which read each record's order with it: no query.
    """
    ends: dict[int, datetime.date] = {}
    for item in plan.retained:
        order_of = plan.order_of.get(item.label)
        dated = [
            m.until for m in item.holds if m.until and m.name in (HoldName.BOOKKEEPING, HoldName.STATUTORY)
        ]
        if order_of is None or not dated:
            continue
        end = max(dated)
        for pk in item.pks:
            order = order_of.get(pk)
            if order is not None and (order not in ends or end > ends[order]):
                ends[order] = end
    return ends
