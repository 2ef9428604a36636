"""The retention job: apply the register's executable retention rules (GDPR Art. 5(1)(e), 17(1)(a)).

This module is the engine: the lock, set-based deletion, batching and the run's report, and the
``history_rows`` rule. The other rules live beside their data, in ``<app>/retention.py`` (discovered in
``RegisterConfig.ready()``), each a ``Rule`` subclass registered for its ``RetentionKey`` with
``@register_rule``.

Each rule finds what its period has run out for with one idempotent query and walks that selection in
batches ordered by primary key. Every batch is one transaction that either anonymises customers through
the erasure workflow the erasure request uses, or works set-based: it deletes children and
``Historical*`` rows first, then the rows, with plain SQL ``DELETE``s (no per-object ``delete()``, so no
signals and no history copy of what is deleted; docs/legal.md, "Known traps"), each selecting by the
batch's key window (``Batch``) rather than by its keys one by one.

A run killed at any moment leaves whole batches done and the rest untouched; the next run's selection no
longer contains what was done, so it finishes the job without doing anything twice. Two runs never
overlap: ``purge_lock()`` takes a PostgreSQL advisory lock, or on SQLite an exclusive lock on a file
beside the database, both released by the operating system if the process dies.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import tempfile
import time as clock
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db import connection, models, transaction
from django.db.models import F, Min, Value
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

DEFAULT_BATCH_SIZE = 10_000

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


def max_parameters() -> int:
    """How many values one statement binds at most: SQLite limits them; PostgreSQL takes arrays."""
    return 900 if connection.vendor == "sqlite" else 20_000


def chunks(values: list, size: int | None = None) -> Iterator[list]:
    """``values`` in lists small enough to bind to one statement."""
    size = size or max_parameters()
    for start in range(0, len(values), size):
        yield values[start : start + size]


class AnyOf(models.Func):
    """``<expression> = ANY(<array>)``: a list of values bound as one PostgreSQL array."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = models.BooleanField()


def among(queryset: models.QuerySet, field: str, values: list) -> models.QuerySet:
    """``queryset.filter(<field>__in=values)``, sent to PostgreSQL as one array (``= ANY(%s)``).

    A thousand separate parameters cost more to bind and plan than the delete itself. The column is
    named through Django, so the query also works as a subquery of another.
    """
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{field}__in": values})
    return queryset.filter(AnyOf(F(field), Value(list(values))))


def not_among(queryset: models.QuerySet, field: str, values: list) -> models.QuerySet:
    """``queryset.exclude(<field>__in=values)``, as one array on PostgreSQL (see ``among``)."""
    if not values:
        return queryset
    if connection.vendor != "postgresql":
        return queryset.exclude(**{f"{field}__in": values})
    return queryset.exclude(AnyOf(F(field), Value(list(values))))


class Batch(list):
    """The keys of the rows one batch of a walk selected, with the window of keys they came from.

    It is a list of keys like any other. ``Purger.delete`` and ``rows_among`` also know that the keys
    are every key of ``model`` in ``(after, last]`` except ``skipped`` (the rows the rule keeps), and
    select by that range: one index range scan per table instead of one index probe per key. A row
    committed into the window after the batch was selected would fall in the range too; the delete of
    the batch's own rows then counts one row too many and undoes the batch (``BatchChanged``).
    """

    def __init__(self, keys: list, *, model: type[models.Model], after, last, skipped: list) -> None:
        super().__init__(keys)
        self.model = model
        self.after = after
        self.last = last
        self.skipped = skipped

    def rows(self, model: type[models.Model], field: str) -> models.QuerySet:
        """The rows of ``model`` whose ``field`` holds the key of one of the batch's rows."""
        window = {f"{field}__lte": self.last}
        if self.after is not None:
            window[f"{field}__gt"] = self.after
        rows = not_among(model._base_manager.filter(**window), field, self.skipped)
        if (model is self.model and field == "pk") or refers_to(model, field, self.model):
            return rows
        # A column without a foreign key (a history table's copy of the key) may hold keys of rows
        # deleted long ago: only those of the batch's rows, still there, are meant.
        return rows.filter(**{f"{field}__in": self.rows(self.model, "pk").values("pk")})


def refers_to(model: type[models.Model], field: str, target: type[models.Model]) -> bool:
    """Whether ``model.<field>`` is a foreign key constraint on ``target``'s primary key."""
    if field == "pk":
        return False
    relation = model._meta.get_field(field)
    return (
        (relation.many_to_one or relation.one_to_one)
        and relation.related_model is target
        and relation.db_constraint
        and relation.target_field.primary_key
    )


class BatchChanged(Exception):
    """Rows were committed into a batch's window after it was selected; the batch is undone."""


# What ``Purger.delete`` deletes: a list of primary keys, a walk's ``Batch``, or a query of keys
# (``values_list("pk", flat=True)``), which the database then evaluates inside each statement
# instead of sending keys back.
Keys = list | models.QuerySet


def rows_among(model: type[models.Model], field: str, keys: Keys) -> models.QuerySet:
    """All rows of ``model`` (its base manager) whose ``field`` is one of ``keys``."""
    if isinstance(keys, Batch):
        return keys.rows(model, field)
    rows = model._base_manager.all()
    if isinstance(keys, models.QuerySet):
        return rows.filter(**{f"{field}__in": keys})
    return among(rows, field, keys)


class ProtectedRows(Exception):
    """Rows to delete are still referenced through a protecting foreign key."""


class Purger:
    """Delete or update rows set-based, children first, and count what was touched.

    A dry run does the same work inside one transaction that is rolled back at the end (``run_purge``),
    so what it counts is what a real run then does, including what one rule's work frees for the next.
    ``dry_run`` tells the steps whose effects reach outside the database (files, the erasure workflow with
    its log and queue) to count only. ``failed`` collects the keys of rows a step isolated and left as they
    were because processing them failed.
    """

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.counts: Counter[str] = Counter()
        self.failed: list = []

    def delete(self, model: type[models.Model], pks: Keys | Iterable) -> int:
        """Delete the rows of ``model`` with these primary keys, their dependants and their history.

        ``pks`` is a list of keys, a walk's ``Batch`` of ``model`` (selected by its key window), or a
        query of keys (``values_list("pk", flat=True)``): a query is never read into Python; each
        statement (children, history, the rows) selects by it in the database. Children and history
        go first, so a query naming rows through their parents still finds them.
        """
        return sum(self._delete(model, keys) for keys in self.portions(model, pks))

    @staticmethod
    def portions(model: type[models.Model], pks: Keys | Iterable) -> Iterator[Keys]:
        """``pks`` in portions one statement can select by: a query or a batch of ``model`` whole,
        a list in chunks (``chunks``)."""
        if isinstance(pks, models.QuerySet) or (isinstance(pks, Batch) and pks.model is model):
            yield pks
        else:
            yield from chunks(list(pks))

    def _delete(self, model: type[models.Model], keys: Keys) -> int:
        for relation in reverse_relations(model):
            self._handle_dependants(relation, keys)
        tracked = history_model(model)
        if tracked is not None:
            self._delete_queryset(rows_among(tracked, model._meta.pk.attname, keys))
        done = self._delete_queryset(rows_among(model, "pk", keys))
        if isinstance(keys, Batch) and done != len(keys):
            raise BatchChanged(f"{done} {model_label(model)} rows deleted for a batch of {len(keys)}")
        return done

    def update(self, queryset: models.QuerySet, **values) -> int:
        """``UPDATE`` the rows (no history is written: callers delete or never keep it)."""
        label = queryset.model._meta.label
        done = queryset.update(**values)
        if done:
            self.counts[f"{label} (minimised)"] += done
        return done

    def _handle_dependants(self, relation, keys: Keys) -> None:
        child = relation.related_model
        fk = relation.field
        on_delete = fk.remote_field.on_delete
        if on_delete is models.DO_NOTHING:
            return
        dependants = rows_among(child, fk.name, keys)
        if on_delete is models.CASCADE:
            if reverse_relations(child) or history_model(child) is not None:
                # Their own dependants are found by their keys, read here: a chain of subqueries
                # would never end for a table referring to itself.
                self.delete(child, list(dependants.values_list("pk", flat=True).order_by()))
            else:
                # A leaf table (e.g. order lines): delete by the foreign key, no keys to collect.
                self._delete_queryset(dependants)
        elif on_delete is models.SET_NULL:
            done = dependants.update(**{fk.name: None})
            if done:
                self.counts[f"{child._meta.label}.{fk.name} (emptied)"] += done
        elif dependants.exists():
            raise ProtectedRows(
                f"{model_label(child)} rows still refer to the {model_label(fk.related_model)} rows to delete"
            )

    def _delete_queryset(self, queryset: models.QuerySet) -> int:
        done = queryset._raw_delete(queryset.db)
        if done:
            self.counts[queryset.model._meta.label] += done
        return done


@functools.cache
def reverse_relations(model: type[models.Model]) -> list:
    """The one-to-many and one-to-one relations pointing at ``model``, except from history tables."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created
        and not field.concrete
        and (field.one_to_many or field.one_to_one)
        and not is_history_model(field.related_model)
    ]


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

    ``runs_after`` names the rules whose work can add to this rule's selection (an old unfinished order
    deleted no longer holds its customer) or whose counts this rule's work would change: they run
    first, so one run reaches the state repeated runs reach, and a dry run counts what a real run does.
    """

    key: str = ""
    verb: str = "deleted"
    events: tuple[str, ...] = tuple(CountsFrom.values)
    runs_after: tuple[str, ...] = ()
    # The most rows one batch (one transaction) of this rule takes, whatever the run's batch size.
    batch_limit: int | None = None

    def __init__(self, config: RetentionRule, now: datetime) -> None:
        self.config = config
        self.now = now
        self.today = timezone.localdate(now)

    @property
    def cutoff(self) -> datetime:
        return self.now - period_of(self.config)

    def steps(self) -> list[Step]:
        raise NotImplementedError

    # What ``stray_files`` finds is counted under this label (a rule that finds any names it).
    stray_label: str = ""

    def stray_files(self) -> list[Path]:
        """Files the rule removes that no row names any more (none unless the rule says so).

        Run after the rule's steps; in a dry run they are counted, not removed.
        """
        return []


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
    # Every other rule deletes the history of what it deletes: count each history row once, there.
    runs_after = tuple(key for key in RetentionKey.values if key != RetentionKey.HISTORY_ROWS)

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


def run_order(keys: Iterable[str]) -> list[str]:
    """Order ``keys`` so each rule runs after those in its ``runs_after``, else as ``RetentionKey`` does."""
    order = list(RetentionKey.values)
    pending = sorted(set(keys), key=order.index)
    ordered: list[str] = []
    while pending:
        ready = next(
            (
                key
                for key in pending
                if not any(dep in pending for dep in rules[key].runs_after if dep != key)
            ),
            None,
        )
        if ready is None:
            raise ValueError(f"retention rules wait for each other in a circle: {', '.join(pending)}")
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def configured_rules(register: Register) -> list[RetentionRule]:
    """The register's executable retention rules, each after the rules it depends on (``run_order``)."""
    executable = {rule.rule: rule for rule in register.retention_rules.exclude(rule="") if rule.rule in rules}
    return [executable[key] for key in run_order(executable)]


Progress = Callable[[str, int, float], None]


# A run report lists at most this many ids of rows that failed (ids only; the log has each one).
FAILED_IDS_KEPT = 100


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

    Guarantees: the rules run in dependency order (``run_order``), so one run reaches the state that
    repeated runs reach; each batch is one transaction; a row that fails is left as it was and recorded
    on its rule's result, and the rest of the rule goes on; a failing rule is recorded and the other
    rules still run. A dry run does the whole run inside one transaction, rolled back at the end, with
    steps that reach outside the database (files, erasure) only counting: its counts are what a real
    run does, and nothing is kept but the run's report. Raises ``PurgeLocked`` when another run holds the
    lock, ``LookupError`` when nothing is published or ``only`` names a rule the register does not have.
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
        if dry_run:
            results = []
            with transaction.atomic():
                for config in configs:
                    results.append(apply_rule(run, config, now=now, batch_size=batch_size, progress=progress))
                transaction.set_rollback(True)
            # The results were kept in memory only; the report outlives the rollback.
            for result in results:
                result.pk = None
                result._state.adding = True
            PurgeRuleResult.objects.bulk_create(results)
        else:
            for config in configs:
                apply_rule(run, config, now=now, batch_size=batch_size, progress=progress)
        run.finish()
    totals = ", ".join(
        f"{r.rule}={r.total}" + (f" ({r.failed} failed)" if r.failed else "")
        for r in run.results.order_by("id")
    )
    logger.info(
        "Purge run %s %s%s: %s", run.pk, run.status, " (dry run)" if dry_run else "", totals or "no rules"
    )
    return run


@contextlib.contextmanager
def batch_transaction() -> Iterator[None]:
    """One batch's transaction.

    On PostgreSQL without JIT compilation: a rule's selection, with its many conditions, is estimated
    costly enough to be compiled, and compiling took longer than running the query on a batch.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


class RuleRun:
    """One rule's walk over its selections, batch by batch, and its result (saved unless a dry run)."""

    def __init__(self, run: PurgeRun, config: RetentionRule, batch_size: int, progress: Progress | None):
        self.run = run
        self.config = config
        self.batch_size = batch_size
        self.progress = progress
        self.started = clock.monotonic()
        self.result = PurgeRuleResult(
            run=run,
            rule=config.rule,
            period=str(config),
            period_values={
                "amount": config.period_amount,
                "unit": config.period_unit,
                "counts_from": config.counts_from,
            },
        )
        if not run.dry_run:
            self.result.save()

    def save(self, **values) -> None:
        """Set fields of the result; written at once unless in a dry run (kept in memory until the end)."""
        if not self.run.dry_run:
            PurgeRuleResult.objects.filter(pk=self.result.pk).update(**values)
        for name, value in values.items():
            setattr(self.result, name, value)

    def walk(self, step: Step) -> None:
        table = step.queryset.model._base_manager.all()
        selection = step.queryset.order_by("pk")
        last_pk = None
        while True:
            batch = None
            recorded = self.recorded()
            try:
                with batch_transaction():
                    # Walk the table in key windows and select within each window: the rule's filter
                    # then never has to sort what is left of a huge table for every batch.
                    window = table if last_pk is None else table.filter(pk__gt=last_pk)
                    keys = list(window.order_by("pk").values_list("pk", flat=True)[: self.batch_size])
                    if not keys:
                        break
                    batch = self.select(selection, after=last_pk, keys=keys)
                    self.concerns(step, batch)
                    if batch:
                        self.apply(step, batch)
            except Exception as exc:
                if not batch:
                    raise
                # The batch's transaction is undone, and with it what it recorded.
                self.restore(recorded)
                self.retry(step, batch, exc)
            last_pk = keys[-1]
            if self.progress is not None and batch:
                elapsed = max(clock.monotonic() - self.started, 1e-6)
                self.progress(self.config.rule, self.result.total, self.result.total / elapsed)

    def select(self, selection: models.QuerySet, *, after, keys: list) -> list:
        """The keys of the rows the rule selects in the window ``(after, keys[-1]]`` of ``keys``.

        A ``Batch`` when the rule keeps fewer rows of the window than it takes (the usual case of a
        backlog), else the plain list of keys.
        """
        selection = selection.filter(pk__lte=keys[-1])
        if after is not None:
            selection = selection.filter(pk__gt=after)
        pks = list(selection.values_list("pk", flat=True))
        taken = set(pks)
        skipped = [key for key in keys if key not in taken]
        if len(skipped) > len(pks) or len(skipped) > max_parameters():
            return pks
        return Batch(pks, model=selection.model, after=after, last=keys[-1], skipped=skipped)

    def concerns(self, step: Step, pks: list) -> None:
        """Note the dates of the rows of a batch: the result's ``oldest`` is the earliest of them.

        Asked of the database, one value per batch: reading each row's date costs more than the query.
        """
        model = step.queryset.model
        for keys in Purger.portions(model, pks):
            earliest = rows_among(model, "pk", keys).aggregate(earliest=Min(step.date))["earliest"]
            if isinstance(earliest, datetime) and (
                self.result.oldest is None or earliest < self.result.oldest
            ):
                self.result.oldest = earliest

    def retry(self, step: Step, pks: list, error: Exception) -> None:
        """Apply a failed (and undone) batch again.

        A batch whose window changed while it ran is applied again by its keys alone. Otherwise, or
        if that fails too, each row is applied in its own transaction and the rows that fail are left
        as they were and recorded.
        """
        if isinstance(error, BatchChanged):
            recorded = self.recorded()
            try:
                with batch_transaction():
                    self.apply(step, list(pks))
            except Exception:  # noqa: BLE001 (isolated below)
                self.restore(recorded)
            else:
                return
        logger.error(
            "Retention rule %s: a batch failed; applying its rows one by one",
            self.config.rule,
            exc_info=error,
        )
        for pk in pks:
            try:
                with batch_transaction():
                    self.apply(step, [pk])
            except Exception:  # noqa: BLE001 (one failing row must not stop the rule)
                logger.exception("Retention rule %s failed for row %s", self.config.rule, pk)
                self.record(Counter(), done=0, failed=[pk])

    def remove_files(self, rule: Rule) -> None:
        """Remove the files ``rule.stray_files()`` finds (count them in a dry run) and record how many.

        A file that cannot be removed (a permission, a disk error) is counted as failed, logged without
        its name, and left for the next run; the others still go, and are counted.
        """
        removed = failed = 0
        for path in rule.stray_files():
            if not self.run.dry_run:
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:
                    logger.error(
                        "Retention rule %s could not delete a file: %s", rule.key, type(exc).__name__
                    )
                    failed += 1
                    continue
            removed += 1
        if removed or failed:
            counts = Counter({rule.stray_label: removed}) if removed else Counter()
            self.record(counts, done=removed, failed=[], unnamed=failed)

    def apply(self, step: Step, pks: list) -> None:
        """Apply ``step`` to ``pks`` and record it, in the caller's transaction."""
        purger = Purger(dry_run=self.run.dry_run)
        step.apply(pks, purger)
        self.record(purger.counts, done=len(pks) - len(purger.failed), failed=purger.failed)

    def record(self, counts: Counter, *, done: int, failed: list, unnamed: int = 0) -> None:
        """Add to the result: ``done`` rows, ``counts`` per table, the ids of rows that ``failed``, and
        ``unnamed`` failures without an id (files)."""
        merged = Counter(self.result.counts)
        merged.update(counts)
        kept = len(self.result.failed_ids)
        self.save(
            total=self.result.total + done,
            counts=dict(sorted(merged.items())),
            failed=self.result.failed + len(failed) + unnamed,
            failed_ids=self.result.failed_ids + list(failed)[: max(0, FAILED_IDS_KEPT - kept)],
            oldest=self.result.oldest,
        )

    def recorded(self) -> dict:
        """What ``record`` has counted so far (to restore when a batch is undone)."""
        return {name: getattr(self.result, name) for name in ("total", "counts", "failed", "failed_ids")}

    def restore(self, recorded: dict) -> None:
        for name, value in recorded.items():
            setattr(self.result, name, value)


def apply_rule(
    run: PurgeRun,
    config: RetentionRule,
    *,
    now: datetime,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> PurgeRuleResult:
    """Apply one rule in batches, recording the result after each batch in that batch's transaction.

    A batch that fails is undone and its rows applied one by one, each in its own transaction; the rows
    that still fail are left as they were and counted, with their ids, on the result.
    """
    walk = RuleRun(run, config, batch_size, progress)
    # In a dry run everything happens in one transaction: a savepoint per rule keeps a failing rule
    # from breaking the transaction for the rules after it.
    with transaction.atomic() if run.dry_run else contextlib.nullcontext():
        try:
            rule = rules[config.rule](config, now)
            walk.batch_size = min(batch_size, rule.batch_limit or batch_size)
            for step in rule.steps():
                walk.walk(step)
            walk.remove_files(rule)
            walk.save(status=PurgeRuleResult.Status.DONE)
        except Exception as exc:  # noqa: BLE001 (a failing rule must not stop the others)
            logger.exception("Retention rule %s failed", config.rule)
            walk.save(status=PurgeRuleResult.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
    walk.save(finished_at=timezone.now(), oldest=walk.result.oldest)
    return walk.result
