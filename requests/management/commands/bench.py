"""Benchmark the admin, the access report, erasure, the purge and the public pages (PostgreSQL only).

Builds its own database, ``kr_bench`` or ``kr_bench_*`` (dropped and created again, so it can
never touch real data), fills it with the COPY demo generator (``--customers`` customers,
``--orders-per-customer`` orders each, with lines, invoices, payments, returns and consents) and
one customer with ``--big-orders`` orders, then prints one table: every page and job with the
stock figure (Django's own admin over the same rows, ``requests/bench.py``, or a bare Django view
for public pages), ours, the ratio, the queries and the peak of Python memory. Times are server
times through the test client, the median of ``--runs`` runs after one warm-up run (more runs for a page
whose runs together take less than two seconds). ``--only``
measures some sections; ``--reuse`` keeps the data. ``make bench`` runs it; docs/development.md,
"Benchmarks".
"""

from __future__ import annotations

import gc
import io
import math
import re
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Left, Upper
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

BENCH_DATABASE = "kr_bench"
SECTIONS = ("admin", "jobs", "public", "purge")
# Public pages take about a millisecond: their medians are of this many times more runs.
PUBLIC_RUNS = 40
# A measurement whose rounds take less than this many seconds gets more of them (``medians_ms``).
MEASURED_SECONDS = 2.0
MAX_ROUNDS_PER_RUN = 10


@dataclass
class Row:
    name: str
    stock_ms: float | None
    ours_ms: float
    stock_queries: int | None
    ours_queries: int
    peak_mb: float
    # "speed-up": stock ÷ ours (admin); "of bare": bare view ÷ ours (public pages); "of DELETE".
    ratio_kind: str = "speed-up"
    # Peak resident memory of the process during one run (Linux), None where not measured.
    rss_mb: float | None = None

    @property
    def ratio(self) -> str:
        if self.stock_ms is None:
            return "—"
        return f"{self.stock_ms / self.ours_ms:.2f}"


def medians_ms(functions: list[Callable[[], object]], runs: int, extend: bool = True) -> list[float]:
    """The median time of each function over ``runs`` rounds, one run of each per round; with ``extend``,
    over more rounds (up to ``MAX_ROUNDS_PER_RUN`` × ``runs``) where ``runs`` rounds take less than
    ``MEASURED_SECONDS``.

    Ours and the baseline take turns, so a busy moment of a shared machine falls on both alike; a page
    of a few milliseconds is measured over more rounds, so that one busy moment is not a third of them.
    """
    gc.collect()  # the garbage of an earlier measurement is not collected during this one
    started = time.perf_counter()
    for function in functions:
        function()  # warm-up: caches, plans, the first page of the table in memory
    one_round = time.perf_counter() - started
    if extend and one_round * runs < MEASURED_SECONDS:
        runs = min(runs * MAX_ROUNDS_PER_RUN, math.ceil(MEASURED_SECONDS / max(one_round, 1e-6)))
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, taken in zip(functions, times, strict=True):
            started = time.perf_counter()
            function()
            taken.append((time.perf_counter() - started) * 1000)
    return [statistics.median(taken) for taken in times]


def queries_of(function: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def peak_rss_mb(function: Callable[[], object]) -> float | None:
    """The process's peak resident memory while ``function`` runs, in MB (Linux only, else None).

    The kernel's high-water mark is reset first (``/proc/self/clear_refs``), so the figure is this
    run's, not the peak of everything the process did before.
    """
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return None
    function()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def machine_speed_ms() -> float:
    """The CPU time of a fixed piece of pure Python (10⁷ additions), the best of three, in ms: the jobs have
    absolute targets, and this tells how fast the machine of a run was against another's."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.process_time() - started)
    return best * 1000


def memory_speed_ms() -> float:
    """The CPU time of building 10⁶ small tuples in a dictionary and sorting them, the best of three, in ms:
    the jobs are mostly such work, which slows down more than plain arithmetic when other machines share
    the processor's caches."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        rows = {number: (number % 7, str(number), number) for number in range(1_000_000)}
        ordered = sorted(rows.values())
        del rows, ordered
        best = min(best, time.process_time() - started)
    return best * 1000


def index_probes_ms(table: str, probes: int = 10_000) -> float | None:
    """The time of ``probes`` primary-key lookups of ``table`` in one query, the best of three, in ms (None
    with fewer rows): the database side of the jobs is such lookups, one per order, line, invoice."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {connection.ops.quote_name(table)} ORDER BY id LIMIT %s", [probes])  # noqa: S608
        keys = [row[0] for row in cursor.fetchall()]
        if len(keys) < probes:
            return None
        # Spread over the table: every key once, in an order the index does not keep.
        keys = keys[::2] + keys[1::2][::-1]
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(
                f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} WHERE id = ANY(%s)",  # noqa: S608
                [keys],
            )
            cursor.fetchone()
            best = min(best, time.perf_counter() - started)
    return best * 1000


def peak_mb(function: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


class Command(BaseCommand):
    help = "Benchmark admin pages, access report, erasure, purge and public pages on a throw-away kr_bench."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--orders-per-customer", type=int, default=5)
        parser.add_argument("--big-orders", type=int, default=10_000, help="Orders of the one big customer.")
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument(
            "--purge-orders",
            type=int,
            default=None,
            help="Orders for the purge benchmark (default: customers).",
        )
        parser.add_argument("--reuse", action="store_true", help="Keep kr_bench's data from an earlier run.")
        parser.add_argument(
            "--only",
            default=",".join(SECTIONS),
            help=f"Comma-separated sections to measure, of {', '.join(SECTIONS)} (default: all).",
        )

    def handle(self, *args, **options) -> None:
        db = settings.DATABASES["default"]
        name = db["NAME"]
        if connection.vendor != "postgresql" or not (
            name == BENCH_DATABASE or name.startswith(f"{BENCH_DATABASE}_")
        ):
            raise CommandError(
                "bench drops and rebuilds its database, so it only runs on PostgreSQL in a database named "
                f"{BENCH_DATABASE} or {BENCH_DATABASE}_*: "
                f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
            )
        sections = [part.strip() for part in options["only"].split(",") if part.strip()]
        unknown = sorted(set(sections) - set(SECTIONS))
        if unknown or not sections:
            raise CommandError(f"--only takes sections of {', '.join(SECTIONS)}, not {', '.join(unknown)}")
        self.runs = options["runs"]
        customers = options["customers"]
        if customers < 10 or self.runs < 1:
            raise CommandError("--customers must be at least 10 and --runs at least 1")
        if not options["reuse"]:
            self.recreate_database(db)
        call_command("migrate", verbosity=0)
        from customers.models import Customer

        if not Customer.objects.exists():
            self.build(customers, options["orders_per_customer"], options["big_orders"])
        # What the pages are measured over: the rows in the database, built now or by an earlier run.
        self.data = self.data_description()
        self.user = self.staff_user()
        # The access reports the jobs build go to a folder of the run's own, removed after it, not to the
        # private storage of the machine's own register.
        with (
            tempfile.TemporaryDirectory(prefix="kr-bench-") as storage,
            override_settings(
                ROOT_URLCONF="requests.bench",
                ALLOWED_HOSTS=["testserver"],
                SECURE_SSL_REDIRECT=False,
                DEBUG=False,
                PRIVATE_STORAGE_ROOT=Path(storage),
            ),
        ):
            rows = []
            for section, measure in (
                ("admin", self.admin_rows),
                ("jobs", self.job_rows),
                ("public", self.public_rows),
            ):
                if section in sections:
                    rows += measure()
        from customers.models import OrderLine

        # Probed before the purge, which leaves the tables to its own rows.
        self.probe_ms = index_probes_ms(OrderLine._meta.db_table)
        if "purge" in sections:
            rows.append(self.purge_row(options["purge_orders"] or customers))
        self.print_table(rows)
        if "purge" in sections:
            self.stdout.write(
                f"\n{connection.settings_dict['NAME']} now holds the purge's rows: measure the pages again "
                "without --reuse."
            )

    # --- The data --------------------------------------------------------------------------

    def recreate_database(self, db: dict) -> None:
        import psycopg

        connection.close()
        params = {"dbname": "postgres", "user": db.get("USER") or None, "host": db.get("HOST") or None}
        for key, name in (("PORT", "port"), ("PASSWORD", "password")):
            if db.get(key):
                params[name] = db[key]
        with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db["NAME"]}"')

    def build(self, customers: int, orders_per_customer: int, big_orders: int) -> None:
        from customers.demo import generate_customers
        from register.models import NoticeVersion

        call_command("load_example_register", "jalonom", verbosity=0)
        NoticeVersion.objects.update(published_at=timezone.now() - timedelta(days=730))
        started = time.perf_counter()
        totals = generate_customers(customers, seed=1, orders_per_customer=orders_per_customer)
        self.build_seconds = time.perf_counter() - started
        self.stdout.write(
            f"Built {totals['customers']:,} customers, {totals['orders']:,} orders, "
            f"{totals['lines']:,} lines, {totals['invoices']:,} invoices, "
            f"{totals['payments']:,} payments, {totals['consents']:,} "
            f"consent events with COPY in {self.build_seconds:.0f} s."
        )
        self.add_big_customer(big_orders)
        self.add_requests(max(customers // 20, 10))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def add_big_customer(self, orders: int) -> None:
        """One customer with ``orders`` delivered orders, two lines, an invoice and a payment each."""
        from customers.models import ConsentEvent, Customer, Invoice, Order, OrderLine, Payment
        from register.models import Controller

        big = Customer.objects.create(
            customer_number="K9999999",
            first_name="Bertta",
            last_name="Bench",
            email="bertta.bench@example.fi",
            phone="+358 40 123 4567",
            street_address="Mannerheimintie 1",
            postal_code="00100",
            city="Helsinki",
            country="FI",
            language="fi",
        )
        big.grant_consent("newsletter_email", via=ConsentEvent.Via.CHECKOUT, evidence="bench")
        controller = Controller.objects.filter(register__is_current=True).order_by("position", "id").first()
        order_values = {
            "customer_id": str(big.pk),
            "controller_id": str(controller.pk) if controller else "NULL",
            "number": "'B' || lpad(i::text, 8, '0')",
            "placed_at": "now() - (i % 2500) * INTERVAL '1 day'",
            "delivered_at": "now() - (i % 2500) * INTERVAL '1 day' + INTERVAL '2 days'",
            "status": "'delivered'",
            "total": "49.90",
            "currency": "'EUR'",
            "delivery_name": "'Bertta Bench'",
            "delivery_street": "'Mannerheimintie 1'",
            "delivery_postal_code": "'00100'",
            "delivery_city": "'Helsinki'",
            "delivery_country": "'FI'",
            "carrier": "'Posti'",
        }
        orders_table = Order._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(series_insert(Order, f"generate_series(1, {int(orders)}) AS i", order_values))
            source = f"{orders_table} o, generate_series(1, 2) AS n WHERE o.customer_id = {big.pk}"
            cursor.execute(
                series_insert(
                    OrderLine,
                    source,
                    {
                        "order_id": "o.id",
                        "sku": "'LIN-TOWEL'",
                        "product_name": "'Linen tea towel'",
                        "quantity": "1",
                        "unit_price": "24.95",
                        "vat_rate": "25.50",
                    },
                )
            )
            cursor.execute(
                series_insert(
                    Invoice,
                    f"{orders_table} o WHERE o.customer_id = {big.pk}",
                    {
                        "order_id": "o.id",
                        "number": "'BF' || o.id",
                        "issued_at": "o.placed_at",
                        "amount": "49.90",
                        "vat_amount": "10.14",
                        "currency": "'EUR'",
                        "billing_name": "'Bertta Bench'",
                        "billing_address": "'Mannerheimintie 1, 00100 Helsinki'",
                        "due_on": "(o.placed_at + INTERVAL '14 days')::date",
                    },
                )
            )
            cursor.execute(
                series_insert(
                    Payment,
                    f"{Invoice._meta.db_table} v JOIN {orders_table} o ON o.id = v.order_id "
                    f"WHERE o.customer_id = {big.pk}",
                    {
                        "invoice_id": "v.id",
                        "paid_at": "v.issued_at + INTERVAL '1 day'",
                        "amount": "v.amount",
                        "method": "'card'",
                        "reference": "'RF' || v.id",
                    },
                )
            )
        self.stdout.write(f"Added customer K9999999 with {orders:,} orders.")

    def add_requests(self, count: int) -> None:
        """``count`` data-subject requests of every kind and state, received over the last 400 days."""
        from requests.demo import request_series_values
        from requests.models import Request

        values = request_series_values()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(series_insert(Request, f"generate_series(1, {int(count)}) AS i", values))
        self.stdout.write(f"Added {count:,} requests.")

    def staff_user(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from register.roles import DATA_PROTECTION_OFFICER, ensure_roles

        groups = ensure_roles()
        user, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_staff": True, "is_superuser": True}
        )
        user.groups.set([groups[DATA_PROTECTION_OFFICER]])
        TOTPDevice.objects.get_or_create(user=user, name="Bench app", defaults={"confirmed": True})
        return user

    def staff_client(self) -> Client:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from staff.twofactor import mark_verified

        client = Client()
        client.force_login(self.user)
        session = client.session
        mark_verified(session, TOTPDevice.objects.get(user=self.user, name="Bench app"))
        session.save()
        return client

    # --- The measurements ------------------------------------------------------------------

    def page(self, client: Client, url: str, **headers) -> Callable[[], object]:
        def get():
            response = client.get(url, headers=headers)
            if response.status_code not in (200, 304):
                raise CommandError(f"{url} answered {response.status_code}")
            return response

        return get

    def measure(
        self,
        name: str,
        ours: Callable,
        stock: Callable | None = None,
        kind: str = "speed-up",
        runs: int | None = None,
    ) -> Row:
        self.stdout.write(f"  {name} …")
        # Public pages give their own number of runs; the rest get more where they are fast.
        functions = [ours, stock] if stock else [ours]
        ours_ms, *stock_ms = medians_ms(functions, runs or self.runs, extend=runs is None)
        return Row(
            name=name,
            stock_ms=stock_ms[0] if stock_ms else None,
            ours_ms=ours_ms,
            stock_queries=queries_of(stock) if stock else None,
            ours_queries=queries_of(ours),
            peak_mb=peak_mb(ours),
            ratio_kind=kind,
            rss_mb=peak_rss_mb(ours),
        )

    def admin_rows(self) -> list[Row]:
        from customers.models import Customer

        client = self.staff_client()
        big = Customer.objects.get(customer_number="K9999999")
        size = f"{big.orders.count():,} orders"
        typical = Customer.objects.filter(country="FI", orders__isnull=False).order_by("pk").first()
        common = (
            Customer.objects.filter(country="FI")
            .values("last_name")
            .annotate(n=Count("pk"))
            .order_by("-n", "last_name")
            .first()
        )
        typical_order = typical.orders.order_by("pk").first()
        prefix = common["last_name"][:5]
        matches = Customer.objects.filter(last_name__istartswith=prefix).count()
        # The two letters most last names begin with (about a tenth of the register), and the one letter
        # (well over 100,000 customers of a million): broad searches, counted as the search matches.
        broad_prefix, broad_matches = widest_name_start(2)
        letter, letter_matches = widest_name_start(1)
        email = typical.email
        ours, stock = "/admin/customers/", "/stock-admin/customers/"
        page = min(500, Customer.objects.count() // 100)
        pairs = [
            ("customer list", "customer/"),
            (f"customer list, page {page}", f"customer/?p={page}"),
            ("customer list, filtered by country", "customer/?country__exact=SE"),
            ("customer list, filtered by language", "customer/?language__exact=sv"),
            ("order list", "order/"),
            ("order list, filtered by status", "order/?status__exact=shipped"),
            ("order list, filtered by currency", "order/?currency__exact=NOK"),
            ("order list, filtered by delivery country", "order/?delivery_country__exact=NO"),
            (f"orders of one customer ({size})", f"order/?customer={big.pk}"),
            ("search exact email", f"customer/?q={email}"),
            (f"search name prefix ({prefix!r}, {matches:,} matches)", f"customer/?q={prefix}"),
            (
                f"search name prefix ({broad_prefix!r}, {broad_matches:,} matches)",
                f"customer/?q={broad_prefix}",
            ),
            (f"search name prefix ({letter!r}, {letter_matches:,} matches)", f"customer/?q={letter}"),
            ("customer change page", f"customer/{typical.pk}/change/"),
            (f"customer change page ({size})", f"customer/{big.pk}/change/"),
            ("order change page", f"order/{typical_order.pk}/change/"),
            ("return list", "return/"),
        ]
        rows = [
            self.measure(name, self.page(client, ours + path), self.page(client, stock + path))
            for name, path in pairs
        ]
        # Our own filters, which the stock admin has no counterpart of.
        for name, path in (
            ("customer list, consent granted (newsletter)", "customer/?consent=newsletter_email:granted"),
            ("customer list, restricted", "customer/?restricted=yes"),
            ("customer list, has orders", "customer/?has_orders=yes"),
        ):
            rows.append(self.measure(name, self.page(client, ours + path)))
        for name, path in (
            ("request list", "requests/request/"),
            ("request list, filtered by kind", "requests/request/?kind__exact=erasure"),
            ("consent ledger", "customers/consentevent/"),
            ("consent ledger, filtered by action", "customers/consentevent/?action__exact=withdrawn"),
        ):
            stock_page = self.page(client, f"/stock-admin/{path}")
            rows.append(self.measure(name, self.page(client, f"/admin/{path}"), stock_page))
        return rows

    def job_rows(self) -> list[Row]:
        from customers.models import Customer
        from requests.erasure import erase_customer, preview_erasure
        from requests.models import Request
        from requests.reports import build_access_report

        big = Customer.objects.get(customer_number="K9999999")
        size = f"{big.orders.count():,} orders"
        request = Request.objects.create(
            kind=Request.Kind.ACCESS,
            email=big.email,
            name=big.full_name,
            language="fi",
            status=Request.Status.VERIFIED,
            received_via=Request.Channel.WEB_FORM,
            match_confirmed_at=timezone.now(),
        )
        request.customers.add(big)

        def erase():
            with transaction.atomic():
                erase_customer(big, by=self.user, reason="bench")
                transaction.set_rollback(True)  # every run erases the same rows

        return [
            self.measure(
                f"access report ({size})", lambda: build_access_report(request, by=self.user), kind="—"
            ),
            self.measure(f"erasure preview ({size})", lambda: preview_erasure(big), kind="—"),
            self.measure(f"erase ({size})", erase, kind="—"),
        ]

    def public_rows(self) -> list[Row]:
        visitor = Client()
        bare = self.page(visitor, "/bench-hello/")
        privacy = self.page(visitor, "/sv/privacy/")
        etag = privacy()["ETag"]
        runs = self.runs * PUBLIC_RUNS
        return [
            self.measure("public /sv/privacy/", privacy, bare, kind="of bare", runs=runs),
            self.measure(
                "public /sv/privacy/, repeat visit (304)",
                self.page(visitor, "/sv/privacy/", **{"If-None-Match": etag}),
                bare,
                kind="of bare",
                runs=runs,
            ),
            self.measure(
                "public /sv/requests/new/",
                self.page(visitor, "/sv/requests/new/"),
                bare,
                kind="of bare",
                runs=runs,
            ),
        ]

    def purge_row(self, orders: int) -> Row:
        """The retention purge against a plain SQL DELETE of the same rows (``bench_purge``, which
        rebuilds its tables: run last)."""
        self.stdout.write("  purge vs plain DELETE …")
        out = io.StringIO()
        call_command("bench_purge", orders=orders, stdout=out)
        text = out.getvalue()
        purge = float(re.search(r"purge \(order_bookkeeping\):\s+([\d.]+) s", text).group(1))
        plain = float(re.search(r"plain SQL DELETE:\s+([\d.]+) s", text).group(1))
        peak = float(re.search(r"peak memory \(RSS\):\s+([\d.]+) MB", text).group(1))
        return Row(
            f"purge {orders:,} orders vs plain DELETE", plain * 1000, purge * 1000, None, 0, peak, "of DELETE"
        )

    def data_description(self) -> str:
        from customers.models import Customer, Order

        customers = Customer.objects.count()
        orders = Order.objects.count()
        big = Order.objects.filter(customer__customer_number="K9999999").count()
        return f"{customers:,} customers, {orders:,} orders, one customer with {big:,}"

    def print_table(self, rows: list[Row]) -> None:
        build = getattr(self, "build_seconds", None)
        probe_ms = self.probe_ms
        probes = "10,000 index probes of order lines " + (f"{probe_ms:,.1f} ms" if probe_ms else "—")
        self.stdout.write(
            f"\nkr_bench: {self.data}; median of {self.runs} runs, or up to "
            f"{self.runs * MAX_ROUNDS_PER_RUN} where {self.runs} take under {MEASURED_SECONDS:.0f} s "
            f"({self.runs * PUBLIC_RUNS} for public pages), ours and stock in turn, "
            "server time through the test client"
            + (f"; data built with COPY in {build:.0f} s" if build else "")
            + f"\nmachine: 10⁷ additions in pure Python took {machine_speed_ms():,.0f} ms of CPU, 10⁶ tuples "
            f"built and sorted {memory_speed_ms():,.0f} ms, {probes} (compare the jobs' times across "
            "machines by them)"
            + "\nratio: stock ÷ ours for admin pages (higher is better), bare view ÷ ours for public pages, "
            "plain DELETE ÷ purge for the purge; peak: Python allocations (tracemalloc), RSS for the purge; "
            "RSS: the process's peak resident memory during one run\n"
        )
        header = (
            f"{'page / job':<52} {'stock ms':>9} {'ours ms':>9} {'ratio':>7}  {'queries':>13} {'peak MB':>8}"
            f" {'RSS MB':>7}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in rows:
            stock = f"{row.stock_ms:,.1f}" if row.stock_ms is not None else "—"
            queries = (
                f"{row.ours_queries}"
                if row.stock_queries is None
                else f"{row.stock_queries} / {row.ours_queries}"
            )
            if row.ratio_kind == "of DELETE":
                queries = "—"
            self.stdout.write(
                f"{row.name:<52} {stock:>9} {row.ours_ms:>9,.1f} {row.ratio:>7}  {queries:>13} "
                f"{row.peak_mb:>8.1f} " + (f"{row.rss_mb:>7.1f}" if row.rss_mb is not None else f"{'—':>7}")
            )


def widest_name_start(length: int) -> tuple[str, int]:
    """The ``length`` first letters most last names begin with, and how many customers a search for them
    matches (last name, first name or company)."""
    from customers.models import Customer

    widest = (
        Customer.objects.annotate(start=Upper(Left("last_name", length)))
        .values("start")
        .annotate(n=Count("pk"))
        .order_by("-n", "start")
        .first()
    )
    start = widest["start"].capitalize()
    matches = Customer.objects.filter(
        Q(last_name__istartswith=start) | Q(first_name__istartswith=start) | Q(company__istartswith=start)
    ).count()
    return start, matches


def series_insert(model, source: str, values: dict[str, str]) -> str:
    """``INSERT … SELECT`` of ``values`` FROM ``source``; the id from its sequence, other columns neutral."""
    from customers.management.commands.bench_purge import neutral_value

    quote = connection.ops.quote_name
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in values:
            expression = values[field.column]
        elif field.null:
            expression = "NULL"
        else:
            expression = neutral_value(field)
        columns.append(quote(field.column))
        expressions.append(expression)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
