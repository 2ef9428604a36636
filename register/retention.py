"""The retention job: apply the register's executable retention rules (GDPR Art. 5(1)(e), 17(1)(a)).

This module is the engine: the lock, set-based deletion, batching and the run's report, and the
``history_rows`` rule. The other rules live beside their data, in ``<app>/retention.py`` (discovered in
``RegisterConfig.ready()``), each a ``Rule`` subclass registered for its ``RetentionKey`` with
``@register_rule``.

Each rule finds what its period has run out for with one idempotent query and walks that selection in
batches ordered by primary key. Every batch is one transaction that either anonymises customers through
the erasure workflow the erasure request uses, or works set-based: it deletes children first, then the
rows, then their ``Historical*`` rows, with plain SQL ``DELETE``s (no per-object ``delete()``, so no
signals and no history copy of what is deleted; docs/legal.md, "Known traps").

A run killed at any moment leaves whole batches done and the rest untouched; the next run's selection no
longer contains what was done, so it finishes the job without doing anything twice. Two runs never
overlap: ``purge_lock()`` takes a PostgreSQL advisory lock, or on SQLite an exclusive lock on a file
beside the database, both released by the operating system if the process dies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
import time as clock
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db import connection, models, transaction
from django.db.models import ExpressionWrapper, Min
from django.db.models.expressions import RawSQL
from django.utils import timezone

from register.legal import bookkeeping_hold_until
from register.models import (
    CountsFrom,
    NoticeVersion,
    PurgeRuleResult,
    PurgeRun,
    Register,
    RetentionKey,
    RetentionRule,
)
from register.registry import registry

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 1000

# Any number identifying the purge among PostgreSQL advisory locks ("KR" + "purge").
ADVISORY_LOCK_KEY = 0x4B52_7075_7267


class PurgeLocked(Exception):
    """Another purge is running."""


# --- Locking -------------------------------------------------------------------------------------


def sqlite_lock_path() -> Path:
    """The lock file of a SQLite database: beside it, or per process for an in-memory database."""
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        # An in-memory database exists only in this process, and so does its lock.
        return Path(tempfile.gettempdir()) / f"kundregister-purge-{os.getpid()}.lock"
    return Path(name).with_name(Path(name).name + ".purge.lock")


@contextlib.contextmanager
def purge_lock(conn=None) -> Iterator[None]:
    """Hold the purge lock for the block, or raise ``PurgeLocked`` at once when another run holds it."""
    conn = conn or connection
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise PurgeLocked("another purge_expired run holds the PostgreSQL advisory lock")
        try:
            yield
        finally:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    import fcntl

    path = sqlite_lock_path()
    handle = open(path, "a+")  # noqa: SIM115 (held open for the whole block)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PurgeLocked(f"another purge_expired run holds the lock file {path}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


# --- Set-based deletion --------------------------------------------------------------------------


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """Return the ``Historical*`` model tracking ``model``, or None."""
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager_name is None:
        return None
    return getattr(model, manager_name).model


def is_history_model(model: type[models.Model]) -> bool:
    # django-simple-history gives each Historical* class the model it tracks as ``instance_type``.
    return isinstance(getattr(model, "instance_type", None), type)


def _chunks(values: list, size: int | None = None) -> Iterator[list]:
    # SQLite limits the parameters of one statement; PostgreSQL takes large lists well.
    size = size or (900 if connection.vendor == "sqlite" else 20_000)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def among(queryset: models.QuerySet, field: str, values: list) -> models.QuerySet:
    """``queryset.filter(<field>__in=values)``, sent to PostgreSQL as one array (``= ANY(%s)``).

    A thousand separate parameters cost more to bind and plan than the delete itself.
    """
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{field}__in": values})
    model = queryset.model
    column = model._meta.pk.column if field == "pk" else model._meta.get_field(field).column
    quote = connection.ops.quote_name
    condition = RawSQL(  # noqa: S611 (names from model metadata, values bound)
        f"{quote(model._meta.db_table)}.{quote(column)} = ANY(%s)", (list(values),)
    )
    return queryset.filter(ExpressionWrapper(condition, output_field=models.BooleanField()))


class ProtectedRows(Exception):
    """Rows to delete are still referenced through a protecting foreign key."""


class Purger:
    """Delete or update rows set-based, children first, and count what was (or would be) touched.

    In a dry run nothing is written and the same walk only counts, so a dry run's counts are what a
    real run then does.
    """

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.counts: Counter[str] = Counter()
        self._planned: defaultdict[type[models.Model], set] = defaultdict(set)

    def delete(self, model: type[models.Model], pks: Iterable) -> int:
        """Delete the rows of ``model`` with these primary keys, their dependants and their history."""
        pks = list(pks)
        if not pks:
            return 0
        if self.dry_run:
            self._planned[model].update(pks)
        for relation in self._reverse_relations(model):
            self._handle_dependants(relation, pks)
        tracked = history_model(model)
        if tracked is not None:
            pk_name = model._meta.pk.attname
            for chunk in _chunks(pks):
                self._delete_queryset(among(tracked._base_manager.all(), pk_name, chunk))
        done = 0
        for chunk in _chunks(pks):
            done += self._delete_queryset(among(model._base_manager.all(), "pk", chunk))
        return done

    def update(self, queryset: models.QuerySet, **values) -> int:
        """``UPDATE`` the rows (no history is written: callers delete or never keep it)."""
        label = queryset.model._meta.label
        done = queryset.count() if self.dry_run else queryset.update(**values)
        if done:
            self.counts[f"{label} (minimised)"] += done
        return done

    @staticmethod
    def _reverse_relations(model: type[models.Model]) -> list:
        return [
            field
            for field in model._meta.get_fields(include_hidden=True)
            if field.auto_created
            and not field.concrete
            and (field.one_to_many or field.one_to_one)
            and not is_history_model(field.related_model)
        ]

    def _handle_dependants(self, relation, pks: list) -> None:
        child = relation.related_model
        fk = relation.field
        on_delete = fk.remote_field.on_delete
        if on_delete is models.DO_NOTHING:
            return
        for chunk in _chunks(pks):
            dependants = among(child._base_manager.all(), fk.name, chunk)
            if on_delete is models.CASCADE:
                if self._reverse_relations(child) or history_model(child) is not None:
                    self.delete(child, dependants.values_list("pk", flat=True))
                else:
                    # A leaf table (e.g. order lines): delete by the foreign key, no keys to collect.
                    self._delete_queryset(dependants)
            elif on_delete is models.SET_NULL:
                if self.dry_run:
                    dependants = dependants.exclude(pk__in=self._planned[child])
                done = dependants.count() if self.dry_run else dependants.update(**{fk.name: None})
                if done:
                    self.counts[f"{child._meta.label}.{fk.name} (emptied)"] += done
            else:
                if self.dry_run:
                    dependants = dependants.exclude(pk__in=self._planned[child])
                if dependants.exists():
                    raise ProtectedRows(
                        f"{model_label(child)} rows still refer to the {model_label(fk.related_model)} rows "
                        "to delete"
                    )

    def _delete_queryset(self, queryset: models.QuerySet) -> int:
        done = queryset.count() if self.dry_run else queryset._raw_delete(queryset.db)
        if done:
            self.counts[queryset.model._meta.label] += done
        return done


def model_label(model: type[models.Model]) -> str:
    return model._meta.label


# --- Periods and dates ---------------------------------------------------------------------------


def period_of(rule: RetentionRule) -> relativedelta:
    return relativedelta(**{rule.period_unit: rule.period_amount})


def start_of_day(day: date) -> datetime:
    """The first moment of ``day`` in the project's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def first_held_date(hold_until: Callable[[date], date], today: date) -> date:
    """Return the earliest record date still held on ``today``; records dated earlier may go.

    ``hold_until(d)`` is the last day a record dated ``d`` must be kept, and never decreases with
    ``d``, so a binary search over dates finds the boundary exactly.
    """
    low, high = date(1900, 1, 1), today
    while low < high:
        middle = low + (high - low) // 2
        if hold_until(middle) >= today:
            high = middle
        else:
            low = middle + timedelta(days=1)
    return low


def rule_hold_until(rule: RetentionRule, record_date: date) -> date:
    """The last day the register's own rule keeps a record dated ``record_date``."""
    if rule.counts_from in (CountsFrom.END_OF_CALENDAR_YEAR, CountsFrom.END_OF_FINANCIAL_YEAR):
        start = date(record_date.year, 12, 31)
    else:
        start = record_date
    # Same convention as the statutes (register.legal.add_years): 31 Dec 2015 + 10 years is the
    # last day kept, 31 Dec 2025.
    return start + period_of(rule)


def bookkeeping_threshold(rule: RetentionRule, kind: str, today: date, country: str) -> datetime:
    """Records of ``kind`` dated before the returned moment are past both the statute and the rule."""

    def hold(record_date: date) -> date:
        statutory = bookkeeping_hold_until(country, record_date, kind)
        return max(statutory, rule_hold_until(rule, record_date))

    return start_of_day(first_held_date(hold, today))


# --- Rules ---------------------------------------------------------------------------------------


@dataclass
class Step:
    """One selection of a rule: the rows concerned and what to do with a batch of their keys."""

    queryset: models.QuerySet
    date: str | models.Expression
    apply: Callable[[list, Purger], None]


class Rule:
    """An executable retention rule: ``steps()`` selects what the configured period has run out for.

    ``events`` are the ``CountsFrom`` events the rule's selection honours; a configured rule counting
    from another event is refused when saved and when published. A period of zero means "at the
    event": the cutoff is then the run's own moment.
    """

    key: str = ""
    verb: str = "deleted"
    events: tuple[str, ...] = tuple(CountsFrom.values)

    def __init__(self, config: RetentionRule, now: datetime) -> None:
        self.config = config
        self.now = now
        self.today = timezone.localdate(now)

    @property
    def cutoff(self) -> datetime:
        return self.now - period_of(self.config)

    def steps(self) -> list[Step]:
        raise NotImplementedError


# The executable rules by ``RetentionKey``, filled by ``register_rule`` as the apps' retention modules load.
rules: dict[str, type[Rule]] = {}


def register_rule(rule: type[Rule]) -> type[Rule]:
    """Make ``rule`` the executable rule of its ``RetentionKey`` (a class decorator)."""
    if rule.key not in RetentionKey.values:
        raise ValueError(f"{rule.__name__}.key {rule.key!r} is not a RetentionKey")
    rules[rule.key] = rule
    return rule


@register_rule
class HistoryRows(Rule):
    """History rows older than the period in the apps holding personal data: delete."""

    key = RetentionKey.HISTORY_ROWS
    events = (CountsFrom.CREATION,)

    def steps(self) -> list[Step]:
        steps = []
        for tracked in history_tracked_models():
            history = history_model(tracked)
            candidates = history._base_manager.filter(history_date__lt=self.cutoff)
            steps.append(Step(candidates, "history_date", self._deleter(history)))
        return steps

    @staticmethod
    def _deleter(history: type[models.Model]) -> Callable[[list, Purger], None]:
        return lambda pks, purger: purger.delete(history, pks)


def history_tracked_models() -> list[type[models.Model]]:
    """The history-tracked models holding customers' personal data (their privacy declarations).

    The register's own history (published notices, bookkeeping periods) is evidence and is kept.
    """
    return [d.model for d in registry.with_personal_data() if history_model(d.model) is not None]


# --- Running -------------------------------------------------------------------------------------


def published_register() -> Register | None:
    """The register whose notice is in force (its retention rules are what customers were told)."""
    notice = NoticeVersion.objects.current()
    return notice.register if notice is not None else None


def configured_rules(register: Register) -> list[RetentionRule]:
    """The register's executable retention rules, in the order ``RetentionKey`` lists them."""
    order = list(RetentionKey.values)
    executable = [rule for rule in register.retention_rules.exclude(rule="") if rule.rule in rules]
    return sorted(executable, key=lambda rule: order.index(rule.rule))


Progress = Callable[[str, int, float], None]


def run_purge(
    *,
    dry_run: bool = False,
    only: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    now: datetime | None = None,
    progress: Progress | None = None,
    command: str = "",
) -> PurgeRun:
    """Apply the published register's retention rules under the purge lock; return the run's report.

    Guarantees: each batch is one transaction; a failing rule is recorded on its result and the other
    rules still run; nothing is written in a dry run except the run's report. Raises ``PurgeLocked``
    when another run holds the lock, ``LookupError`` when nothing is published or ``only`` names a
    rule the register does not have.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    now = now or timezone.now()
    register = published_register()
    if register is None:
        raise LookupError("nothing is published: publish the register description first")
    configs = configured_rules(register)
    if only is not None:
        configs = [config for config in configs if config.rule == only]
        if not configs:
            raise LookupError(f"the published register has no retention rule {only!r}")
    with purge_lock():
        # Holding the lock, any run still marked running was killed.
        PurgeRun.objects.filter(status=PurgeRun.Status.RUNNING).update(status=PurgeRun.Status.INTERRUPTED)
        run = PurgeRun.objects.create(
            dry_run=dry_run, host=socket.gethostname()[:200], command=command[:500], batch_size=batch_size
        )
        for config in configs:
            apply_rule(run, config, now=now, batch_size=batch_size, progress=progress)
        run.finish()
    totals = ", ".join(f"{r.rule}={r.total}" for r in run.results.order_by("id"))
    logger.info(
        "Purge run %s %s%s: %s", run.pk, run.status, " (dry run)" if dry_run else "", totals or "no rules"
    )
    return run


def apply_rule(
    run: PurgeRun,
    config: RetentionRule,
    *,
    now: datetime,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> PurgeRuleResult:
    """Apply one rule in batches, recording the result after each batch in that batch's transaction."""
    result = PurgeRuleResult.objects.create(run=run, rule=config.rule, period=str(config))
    started = clock.monotonic()
    try:
        rule = rules[config.rule](config, now)
        steps = rule.steps()
        oldest = [s.queryset.aggregate(oldest=Min(s.date))["oldest"] for s in steps]
        oldest = [value for value in oldest if isinstance(value, datetime)]
        result.oldest = min(oldest) if oldest else None
        result.save(update_fields=["oldest"])
        for step in steps:
            table = step.queryset.model._base_manager.all()
            last_pk = None
            while True:
                with transaction.atomic():
                    # Walk the table in key windows and select within each window: the rule's filter
                    # then never has to sort what is left of a huge table for every batch.
                    window = table if last_pk is None else table.filter(pk__gt=last_pk)
                    window_end = list(window.order_by("pk").values_list("pk", flat=True)[:batch_size])[-1:]
                    if not window_end:
                        break
                    selection = step.queryset.filter(pk__lte=window_end[0])
                    if last_pk is not None:
                        selection = selection.filter(pk__gt=last_pk)
                    pks = list(selection.order_by("pk").values_list("pk", flat=True))
                    if pks:
                        purger = Purger(dry_run=run.dry_run)
                        step.apply(pks, purger)
                        result.total += len(pks)
                        merged = Counter(result.counts)
                        merged.update(purger.counts)
                        result.counts = dict(sorted(merged.items()))
                        result.save(update_fields=["total", "counts"])
                last_pk = window_end[0]
                if progress is not None and pks:
                    elapsed = max(clock.monotonic() - started, 1e-6)
                    progress(config.rule, result.total, result.total / elapsed)
        result.status = PurgeRuleResult.Status.DONE
    except Exception as exc:  # noqa: BLE001 (a failing rule must not stop the others)
        logger.exception("Retention rule %s failed", config.rule)
        result.status = PurgeRuleResult.Status.FAILED
        result.error = f"{type(exc).__name__}: {exc}"
    result.finished_at = timezone.now()
    result.save(update_fields=["status", "error", "finished_at"])
    return result
