"""Writing generated demo rows fast: COPY on PostgreSQL, executemany on SQLite, indexes built once.

Rows arrive as tuples of text already in the database's input form (see ``Formats``): numbers and
decimals as digits, datetimes as UTC stamps, NULL as the method's own marker. So COPY needs no per-value
adaptation (a batch is one ``join``) and SQLite's column affinity stores the same values the ORM would.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models

from customers.models import Customer

METHODS = ("copy", "executemany")
DAY = 86400
EPOCH = date(1970, 1, 1)
# COPY's text format: these characters would end a value or a row, or start an escape.
COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class Formats:
    """How one run writes values: the NULL marker and UTC seconds as the database's datetimes and dates.

    COPY reads ``\\N`` as NULL; executemany binds None. PostgreSQL takes a stamp with its offset;
    SQLite stores datetimes as naive text in the connection's time zone (UTC unless the database
    settings name another), as Django's SQLite backend does.
    """

    def __init__(self, method: str, last_day: int):
        self.null: str | None = "\\N" if method == "copy" else None
        # Every date from 1970 up to ``last_day`` (days since the epoch): a stamp is two list lookups.
        self.dates = [(EPOCH + timedelta(days=day)).isoformat() for day in range(last_day + 1)]
        zone = connection.timezone if connection.vendor == "sqlite" else UTC
        suffix = "+00" if connection.vendor == "postgresql" else ""
        if zone is not None and zone != UTC and str(zone) != "UTC":
            self.stamp = self.zoned_stamp(zone)
            return
        clock = [f" {h:02d}:{m:02d}:{s:02d}{suffix}" for h in range(24) for m in range(60) for s in range(60)]
        dates = self.dates

        def stamp(seconds: int) -> str:
            return dates[seconds // DAY] + clock[seconds % DAY]

        self.stamp: Callable[[int], str] = stamp

    @staticmethod
    def zoned_stamp(zone) -> Callable[[int], str]:
        def stamp(seconds: int) -> str:
            return str(datetime.fromtimestamp(seconds, zone).replace(tzinfo=None))

        return stamp


def copy_text(value: object) -> str:
    """One value in COPY's text format (for the few columns left at their model default)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str | int | Decimal | date):
        return str(value).translate(COPY_SPECIAL)
    raise TypeError(f"no COPY text for {value!r}")


class BackgroundWriter:
    """Run a bulk load's statements from a thread of its own, in the caller's transaction.

    The caller generates the next batch while this thread sends the last one and the database
    stores it: on two cores, Python and the database work at the same time (psycopg and sqlite3
    release the GIL while the database works). The thread uses the connection's driver connection
    through a cursor of its own; the caller must not use the connection until ``close()`` returns.
    The queue holds a few batches at most, so memory stays flat.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()
        self.queue: queue.Queue[tuple[Callable, str, object] | None] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.run, name="demo-writer", daemon=True)
        self.thread.start()

    def run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain what is queued; close() reports the first error
            write, statement, payload = item
            try:
                write(self.cursor, statement, payload)
            except BaseException as exc:  # noqa: BLE001 (handed to the caller's thread)
                self.error = exc

    def send(self, write: Callable, statement: str, payload: object) -> None:
        """Queue ``write(cursor, statement, payload)``; raise at once if an earlier write failed."""
        if self.error is not None:
            self.close()
        self.queue.put((write, statement, payload))

    def close(self) -> None:
        """Wait until everything sent is in the database; raise the first error the thread met."""
        if not self.thread.is_alive():
            return
        self.queue.put(None)
        self.thread.join()
        self.cursor.close()
        if self.error is not None:
            # As Django's own cursors do: IntegrityError and the like, not the driver's classes.
            with connection.wrap_database_errors:
                raise self.error


def copy_rows(cursor, statement: str, text: str) -> None:
    with cursor.copy(statement) as copy:
        copy.write(text)


def insert_rows(cursor, statement: str, rows: list[tuple]) -> None:
    cursor.executemany(statement, rows)


class FastInserter:
    """Insert text rows, one statement per table and batch, assigning primary keys itself.

    The ORM's bulk_create builds a model instance and compiles SQL for every value; demo data of a
    million rows only needs the values, already in the database's text form, sent in large batches
    by a ``BackgroundWriter``: with COPY on PostgreSQL (``method="copy"``, the default there) and
    executemany elsewhere (``method="executemany"``). Both write the same rows. Columns not named get
    the field's default. Use as a context manager: leaving it waits until every row is written.
    """

    def __init__(self, model_classes: list[type[models.Model]], method: str | None = None):
        self.models = model_classes
        self.method = method or ("copy" if connection.vendor == "postgresql" else "executemany")
        if self.method not in METHODS:
            raise ValueError(f"unknown insert method {self.method!r}")
        if self.method == "copy" and connection.vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL")
        self.last_id: dict[type[models.Model], int] = {}
        for model in model_classes:
            self.last_id[model] = model.objects.aggregate(last=models.Max("pk"))["last"] or 0
        self.statements: dict[tuple[type[models.Model], tuple[str, ...]], tuple[str, tuple, str]] = {}
        self.writer: BackgroundWriter | None = None

    def __enter__(self) -> FastInserter:
        self.writer = BackgroundWriter()
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        writer, self.writer = self.writer, None
        if writer is None:
            return
        if exc_type is None:
            writer.close()
            return
        # The exception already leaving the block is the one to see.
        with suppress(Exception):
            writer.close()

    def statement(self, model: type[models.Model], columns: tuple[str, ...]) -> tuple[str, tuple, str]:
        """The statement for these columns, the defaults of the others, and those defaults as COPY text."""
        key = (model, columns)
        if key not in self.statements:
            given = set(columns)
            rest = [f for f in model._meta.concrete_fields if f.attname not in given]
            tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
            names = [model._meta.get_field(name).column for name in columns] + [f.column for f in rest]
            quote = connection.ops.quote_name
            table, column_list = quote(model._meta.db_table), ", ".join(quote(name) for name in names)
            if self.method == "copy":
                sql = f"COPY {table} ({column_list}) FROM STDIN"
            else:
                # The driver's own placeholders: the statement goes to its cursor, not Django's.
                placeholder = "?" if connection.vendor == "sqlite" else "%s"
                sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from model metadata)
                    table, column_list, ", ".join([placeholder] * len(names))
                )
            tail_text = "".join("\t" + copy_text(f.get_default()) for f in rest)
            self.statements[key] = (sql, tail, tail_text)
        return self.statements[key]

    def insert(self, model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Queue ``rows`` (tuples of text, in ``columns`` order) for the writer."""
        if not rows:
            return
        if self.writer is None:
            raise RuntimeError("FastInserter.insert() outside its with block")
        sql, tail, tail_text = self.statement(model, columns)
        if self.method == "copy":
            # One string per table and batch: each row is one C-level join, the defaults ride on the
            # row separator.
            end = tail_text + "\n"
            self.writer.send(copy_rows, sql, end.join(map("\t".join, rows)) + end)
        else:
            self.writer.send(insert_rows, sql, [row + tail for row in rows] if tail else rows)

    def reset_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids assigned here."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@contextmanager
def sqlite_unsynced() -> Iterator[None]:
    """On SQLite, commit the load without waiting for the disk (``PRAGMA synchronous = OFF``), then restore.

    Waiting for hundreds of megabytes to reach the disk at commit buys safety against a power cut
    only, which demo data does not need; the journal still protects the database if the process
    dies. SQLite refuses the setting inside a transaction, so a load inside one keeps its setting.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous = {int(previous)}")


@contextmanager
def sqlite_bulk_load(model_classes: list[type[models.Model]], rows_added: int) -> Iterator[None]:
    """On SQLite, fill the tables first and build their secondary indexes afterwards.

    Inserting rows in random key order into a dozen indexes costs more than sorting each index once
    at the end. Used inside the command's transaction: SQLite's DDL is transactional, so a failed
    run rolls the indexes back with the rows. Only when the run at least doubles the customer table;
    on a big register, rebuilding its indexes would cost more than it saves. A larger page cache
    (up to 256 MB, restored afterwards) keeps the unique indexes from spilling to the file.
    """
    if connection.vendor != "sqlite":
        yield
        return
    tables = [model._meta.db_table for model in model_classes]
    rebuild = rows_added >= Customer.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous_cache,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")  # in KiB
        indexes = []
        if rebuild:
            # Unique constraints' automatic indexes have no SQL and stay.
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")
            indexes = [(name, sql) for name, table, sql in cursor.fetchall() if sql and table in tables]
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous_cache)}")


@contextmanager
def postgresql_bulk_load(model_classes: list[type[models.Model]], rows_added: int) -> Iterator[None]:
    """On PostgreSQL, COPY into tables without their secondary indexes and foreign keys, then restore them.

    Checking a foreign key row by row and growing a dozen indexes in random key order costs several
    times more than building each index once and validating each key in one join at the end. DDL is
    transactional, so a failed run rolls them back with the rows. Only when the run at least doubles
    the customer table (as on SQLite). Primary keys and unique constraints stay.
    """
    if connection.vendor != "postgresql" or rows_added < max(1, Customer.objects.count()):
        yield
        return
    tables = [model._meta.db_table for model in model_classes]
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with deferred foreign-key checks pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
