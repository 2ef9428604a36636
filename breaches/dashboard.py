"""The data-protection dashboard on the admin index: is the shop keeping its promises?

The data-protection officer sees everything; customer service sees the requests they process.
Every figure comes from a bounded number of aggregate queries (one per consent purpose for the
marketable counts, a fixed number otherwise), is cached with its age shown and refreshed in the
background once older than ``CACHE_SECONDS``, and links to the admin list behind it. Charts are
SVG drawn here, each followed by its numbers in a table. Open breaches and their 72-hour clocks
are read fresh on every view.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django_tasks import task

from breaches.clock import clock_html
from breaches.models import Breach
from customers.models import ConsentEvent, ConsentPurpose, Customer
from register.models import NoticeVersion, PurgeRun, Register
from register.publishing import build_snapshot
from requests import deadlines
from requests.models import Request

CACHE_SECONDS = 300
# Stale figures are shown (with their age) while fresh ones are computed, for at most this long.
KEEP_SECONDS = 24 * 3600
CACHE_KEY = "breaches:dashboard:v1:{part}:{language}"
FULL_PERMISSION = "breaches.view_dashboard"
REQUESTS_PERMISSION = "requests.view_request"
MONTHS = 12
# A purge run should succeed at least this often (it runs nightly).
PURGE_WARNING_HOURS = 48
# The withdrawal channels the dashboard names; the others are shown as "other".
WITHDRAWAL_CHANNELS = [ConsentEvent.Via.UNSUBSCRIBE, ConsentEvent.Via.REQUEST, ConsentEvent.Via.STAFF]


def changelist(model: str, **params) -> str:
    url = reverse(f"admin:{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def months_back(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the last ``count`` months, oldest first, ending with this month."""
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(count - 1, -1, -1)]


def month_start(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, 1))


def percentile(values: list[int], share: float) -> int:
    """Nearest-rank percentile (the smallest value with ``share`` of the values at or below it)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _month_key(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    return date(moment.year, moment.month, 1)


# --- The figures ---------------------------------------------------------------------------------


def open_requests(today: date) -> dict:
    """Open, verified requests by deadline band, by kind and by holder (one query)."""
    soon = today + timedelta(days=deadlines.DUE_SOON_DAYS)
    rows = (
        Request.objects.actionable()
        .open()
        .annotate(effective_due=Coalesce("extended_due_date", "due_date"))
        .values("kind", "assignee_id", "assignee__username")
        .annotate(
            overdue=Count("id", filter=Q(effective_due__lt=today)),
            week=Count("id", filter=Q(effective_due__gte=today, effective_due__lte=soon)),
            later=Count("id", filter=Q(effective_due__gt=soon)),
        )
        .order_by()
    )
    bands = {"overdue": 0, "week": 0, "later": 0}
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: {"overdue": 0, "week": 0, "later": 0})
    holders: dict[tuple, int] = defaultdict(int)
    for row in rows:
        for band in bands:
            bands[band] += row[band]
            kinds[row["kind"]][band] += row[band]
        holders[(row["assignee_id"], row["assignee__username"])] += (
            row["overdue"] + row["week"] + row["later"]
        )
    labels = dict(Request.Kind.choices)
    return {
        "bands": bands,
        "total": sum(bands.values()),
        "kinds": [
            {"kind": kind, "label": str(labels[kind]), **kinds[kind], "total": sum(kinds[kind].values())}
            for kind in Request.Kind.values
            if kind in kinds
        ],
        "holders": sorted(
            ({"id": key[0], "name": key[1], "count": count} for key, count in holders.items()),
            key=lambda h: (h["id"] is not None, -h["count"], h["name"] or ""),
        ),
    }


def response_times(today: date) -> dict:
    """Per month of completion: requests completed, median and 90th percentile days, how many late.

    Days are counted between the local dates of receipt and completion; late means completed
    after the (extended) due date. Also the extensions per month and the rejections by reason.
    """
    months = months_back(today)
    start = month_start(months[0])
    days: dict[date, list[int]] = defaultdict(list)
    late: dict[date, int] = defaultdict(int)
    completed = Request.objects.filter(completed_at__gte=start, status=Request.Status.COMPLETED).values_list(
        "received_at", "completed_at", "due_date", "extended_due_date"
    )
    for received_at, completed_at, due, extended in completed:
        month = _month_key(completed_at)
        done = deadlines.local_date(completed_at)
        days[month].append((done - deadlines.local_date(received_at)).days)
        late[month] += int(done > (extended or due))
    extensions = dict(
        Request.objects.filter(extended_at__gte=start)
        .annotate(month=TruncMonth("extended_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("month", "n")
    )
    extensions = {_month_key(month): n for month, n in extensions.items()}
    reasons = dict(Request.RejectionReason.choices)
    rejections = [
        {"reason": reason, "label": str(reasons.get(reason, reason)), "count": n}
        for reason, n in Request.objects.filter(status=Request.Status.REJECTED, closed_at__gte=start)
        .values_list("rejection_reason")
        .annotate(n=Count("id"))
        .order_by("rejection_reason")
        .values_list("rejection_reason", "n")
    ]
    rows = []
    for month in months:
        values = days.get(month, [])
        rows.append(
            {
                "month": month,
                "completed": len(values),
                "median": statistics.median(values) if values else None,
                "p90": percentile(values, 0.9) if values else None,
                "late": late.get(month, 0),
                "extended": extensions.get(month, 0),
            }
        )
    return {
        "months": rows,
        "limit_days": 30,
        "since": months[0],
        "extensions": sum(r["extended"] for r in rows),
        "rejections": rejections,
        "rejected": sum(r["count"] for r in rejections),
    }


def consents(today: date) -> dict:
    """Per purpose: customers marketable now, and grants and withdrawals per month by channel."""
    months = months_back(today)
    start = month_start(months[0])
    purposes = list(ConsentPurpose.objects.order_by("code"))
    monthly: dict[int, dict[date, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for month, purpose_id, action, via, n in (
        ConsentEvent.objects.filter(occurred_at__gte=start)
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month", "purpose_id", "action", "via")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("month", "purpose_id", "action", "via", "n")
    ):
        counts = monthly[purpose_id][_month_key(month)]
        if action == ConsentEvent.Action.GRANTED:
            counts["granted"] += n
        else:
            counts["withdrawn"] += n
            counts[via if via in WITHDRAWAL_CHANNELS else "other"] += n
    result = []
    for purpose in purposes:
        rows = []
        for month in months:
            counts = monthly[purpose.id].get(month, {})
            rows.append(
                {
                    "month": month,
                    "granted": counts.get("granted", 0),
                    "withdrawn": counts.get("withdrawn", 0),
                    **{channel: counts.get(channel, 0) for channel in [*WITHDRAWAL_CHANNELS, "other"]},
                }
            )
        result.append(
            {
                "code": purpose.code,
                "name": purpose.localized_name(),
                "id": purpose.id,
                "marketable": Customer.objects.marketable(purpose.code).count(),
                "months": rows,
                "granted": sum(r["granted"] for r in rows),
                "withdrawn": sum(r["withdrawn"] for r in rows),
            }
        )
    return {"purposes": result, "channels": [*WITHDRAWAL_CHANNELS, "other"]}


def retention(now: datetime) -> dict:
    """The latest dry run's prediction per rule, the last real run, and whether one succeeded lately."""
    prediction = PurgeRun.objects.filter(dry_run=True).exclude(status=PurgeRun.Status.RUNNING).first()
    last = PurgeRun.objects.filter(dry_run=False).first()
    succeeded = (
        PurgeRun.objects.filter(
            dry_run=False,
            status=PurgeRun.Status.SUCCEEDED,
            started_at__gte=now - timedelta(hours=PURGE_WARNING_HOURS),
        )
        .order_by()
        .exists()
    )
    rules = []
    if prediction is not None:
        rules = [
            {"rule": r.rule, "label": r.get_rule_display(), "total": r.total, "failed": r.failed}
            for r in prediction.results.order_by("id")
        ]
    return {
        "prediction": prediction
        and {"id": prediction.pk, "at": prediction.started_at, "status": prediction.status},
        "rules": rules,
        "last": last
        and {"id": last.pk, "at": last.started_at, "status": last.status, "label": last.get_status_display()},
        "warning": not succeeded,
    }


def register_health() -> dict:
    """The published notice, whether the register changed since, and what publishing would refuse."""
    current = NoticeVersion.objects.current()
    register = Register.objects.current()
    gaps: list[dict] = []
    changed = False
    if register is not None:
        check = register.publication_check()
        gaps = [{"text": gap.text, "url": getattr(gap, "url", "")} for gap in check.gaps] + [
            {"text": language.summary, "url": ""} for language in check.translations
        ]
        changed = current is None or build_snapshot(register) != current.snapshot
    return {
        "version": current and {"number": current.number, "at": current.published_at},
        "register_id": register and register.pk,
        "changed": changed,
        "gaps": gaps,
    }


def compute(full: bool, now: datetime | None = None) -> dict:
    """Every cached figure of the dashboard (``full``: the DPO's, else the requests only)."""
    now = now or timezone.now()
    today = deadlines.local_date(now)
    data = {"computed_at": now, "requests": open_requests(today), "times": response_times(today)}
    if full:
        data.update(consents=consents(today), retention=retention(now), register=register_health())
    return data


def _key(full: bool, language: str | None) -> str:
    return CACHE_KEY.format(part="full" if full else "requests", language=language)


@task()
def refresh_figures(full: bool, language: str | None) -> None:
    """Recompute the figures in the background and cache them (enqueued by ``figures``)."""
    with translation.override(language):
        cache.set(_key(full, language), compute(full), KEEP_SECONDS)
    cache.delete(_key(full, language) + ":refreshing")


def figures(full: bool) -> dict:
    """The cached figures; computed here when there are none, refreshed in the background when stale.

    On a large shop computing takes longer than a page should (the marketable count reads every
    customer), so a page older than ``CACHE_SECONDS`` is shown with its age while the task queue
    computes the next one; at most one refresh is queued at a time.
    """
    language = get_language()
    key = _key(full, language)
    data = cache.get(key)
    if data is None:
        data = compute(full)
        cache.set(key, data, KEEP_SECONDS)
    elif timezone.now() - data["computed_at"] > timedelta(seconds=CACHE_SECONDS) and cache.add(
        key + ":refreshing", 1, CACHE_SECONDS
    ):
        transaction.on_commit(lambda: refresh_figures.enqueue(full, language), robust=True)
    return data


# Open breaches the dashboard lists; the rest are counted and found in the breach register.
OPEN_BREACHES_SHOWN = 50


def open_breaches(now: datetime) -> list[dict]:
    """The open breaches, most urgent first: those whose 72-hour clock runs, the earliest deadline first
    (an overdue one is never left out for newer ones), then the others, newest first."""
    open_ = Breach.objects.open().prefetch_related("notifications")
    running = Breach.objects.awaiting_notification().values("pk")
    shown = list(open_.filter(pk__in=running).order_by("aware_at", "id")[:OPEN_BREACHES_SHOWN])
    if len(shown) < OPEN_BREACHES_SHOWN:
        rest = open_.exclude(pk__in=running).order_by("-aware_at", "-id")
        shown += rest[: OPEN_BREACHES_SHOWN - len(shown)]
    return [
        {
            "breach": breach,
            "clock": clock_html(breach, now),
            "overdue": breach.clock_running and breach.hours_left(now) < 0,
        }
        for breach in shown
    ]


# --- Charts ----------------------------------------------------------------------------------------

COLOURS = ("#417690", "#b26a00", "#b00020", "#6a8a3a", "#666666")


@dataclass
class Chart:
    """A bar chart drawn as SVG: groups of bars (one per series), with an optional limit line."""

    title: str
    labels: list[str]
    series: list[tuple[str, list[float | None]]]
    limit: float | None = None
    limit_label: str = ""
    ident: str = ""
    width: int = 640
    height: int = 180
    legend: list[tuple[str, str]] = field(default_factory=list)

    def svg(self) -> SafeString:
        values = [v for _name, vs in self.series for v in vs if v is not None]
        top = max([*values, self.limit or 0, 1])
        left, top_pad = 36, 20
        plot_h = self.height - 24 - top_pad
        group = (self.width - left) / max(1, len(self.labels))
        bar = max(2.0, (group - 6) / max(1, len(self.series)))
        parts = []
        for step in (0, 0.5, 1):
            y = top_pad + plot_h * (1 - step)
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/><text x="{}" y="{}" font-size="10" '
                    'text-anchor="end" fill="#666">{}</text>',
                    left,
                    self.width,
                    f"{y:.1f}",
                    f"{y:.1f}",
                    left - 4,
                    f"{y + 3:.1f}",
                    f"{top * step:g}" if step else "0",
                )
            )
        for i, label in enumerate(self.labels):
            x0 = left + i * group + 3
            for j, (name, vs) in enumerate(self.series):
                value = vs[i]
                if value is None:
                    continue
                h = plot_h * value / top
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                        "<title>{}: {} {}</title></rect>",
                        f"{x0 + j * bar:.1f}",
                        f"{top_pad + plot_h - h:.1f}",
                        f"{bar - 1:.1f}",
                        f"{h:.1f}",
                        COLOURS[j % len(COLOURS)],
                        label,
                        name,
                        f"{value:g}",
                    )
                )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#333">{}</text>',
                    f"{x0 + group / 2 - 3:.1f}",
                    self.height - 8,
                    label,
                )
            )
        if self.limit is not None:
            y = top_pad + plot_h * (1 - self.limit / top)
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b00020" stroke-dasharray="4 3"/>'
                    '<text x="{}" y="{}" font-size="10" fill="#b00020">{}</text>',
                    left,
                    self.width,
                    f"{y:.1f}",
                    f"{y:.1f}",
                    left + 4,
                    f"{y - 3:.1f}",
                    self.limit_label,
                )
            )
        legend = format_html_join(
            " ",
            '<tspan fill="{}">■</tspan> <tspan>{}</tspan>',
            ((COLOURS[j % len(COLOURS)], name) for j, (name, _vs) in enumerate(self.series)),
        )
        return format_html(
            '<svg class="kr-chart" role="img" aria-labelledby="{}-title" viewBox="0 0 {} {}" width="100%" '
            'preserveAspectRatio="xMinYMin meet"><title id="{}-title">{}</title>{}'
            '<text x="{}" y="10" font-size="10" text-anchor="end">{}</text></svg>',
            self.ident,
            self.width,
            self.height + 4,
            self.ident,
            self.title,
            SafeString("".join(parts)),
            self.width,
            legend,
        )


def month_label(month: date) -> str:
    return month.strftime("%Y-%m")


def charts(data: dict) -> dict:
    result = {}
    times = data["times"]["months"]
    labels = [month_label(r["month"]) for r in times]
    result["times"] = Chart(
        title=gettext("Days from receipt to completion, per month"),
        labels=labels,
        series=[
            (gettext("median"), [r["median"] for r in times]),
            (gettext("90th percentile"), [r["p90"] for r in times]),
        ],
        limit=data["times"]["limit_days"],
        limit_label=gettext("one month"),
        ident="chart-times",
    ).svg()
    for purpose in data.get("consents", {}).get("purposes", []):
        rows = purpose["months"]
        purpose["chart"] = Chart(
            title=gettext("Consents granted and withdrawn per month: %(purpose)s")
            % {"purpose": purpose["name"]},
            labels=[month_label(r["month"]) for r in rows],
            series=[
                (gettext("granted"), [r["granted"] for r in rows]),
                (gettext("withdrawn"), [r["withdrawn"] for r in rows]),
            ],
            ident=f"chart-consent-{purpose['id']}",
        ).svg()
    return result


# --- The panel -------------------------------------------------------------------------------------


def links(data: dict) -> dict:
    """The admin list behind each figure."""
    request_list = "requests_request"
    return {
        "overdue": changelist(request_list, deadline="overdue"),
        "week": changelist(request_list, deadline="week"),
        "later": changelist(request_list, deadline="later"),
        "open": changelist(request_list, deadline="open"),
        "completed": changelist(request_list, status=Request.Status.COMPLETED),
        "rejected": changelist(request_list, status=Request.Status.REJECTED),
        "consents": reverse("admin:customers_consentevent_changelist"),
        "purges": changelist("register_purgerun", dry_run__exact="0"),
        "dry_runs": changelist("register_purgerun", dry_run__exact="1"),
        "notices": reverse("admin:register_noticeversion_changelist"),
        "breaches": reverse("admin:breaches_breach_changelist"),
        "add_breach": reverse("admin:breaches_breach_add"),
        "audit_requests": reverse("admin:breaches_breach_audit_requests"),
        "audit_consents": reverse("admin:breaches_breach_audit_consents"),
    }


def decorate(data: dict) -> None:
    """Add the admin link of each row (kept out of the cached data, which stays plain)."""
    request_list = "requests_request"
    for row in data["requests"]["kinds"]:
        for band in ("overdue", "week", "later"):
            row[f"{band}_url"] = changelist(request_list, kind__exact=row["kind"], deadline=band)
    for holder in data["requests"]["holders"]:
        holder["url"] = (
            changelist(request_list, deadline="open", assigned="nobody")
            if holder["id"] is None
            else changelist(request_list, deadline="open", assignee__id__exact=holder["id"])
        )
    for row in data["times"]["months"]:
        end = row["month"] + relativedelta(months=1)
        row["url"] = changelist(
            request_list,
            status=Request.Status.COMPLETED,
            completed_at__gte=month_start(row["month"]).isoformat(),
            completed_at__lt=month_start(end).isoformat(),
        )
    for row in data["times"]["rejections"]:
        row["url"] = changelist(
            request_list, status=Request.Status.REJECTED, rejection_reason__exact=row["reason"]
        )
    for purpose in data.get("consents", {}).get("purposes", []):
        purpose["url"] = changelist("customers_consentevent", purpose__id__exact=purpose["id"])
        purpose["withdrawn_url"] = changelist(
            "customers_consentevent",
            purpose__id__exact=purpose["id"],
            action__exact=ConsentEvent.Action.WITHDRAWN,
        )
        purpose["granted_url"] = changelist(
            "customers_consentevent",
            purpose__id__exact=purpose["id"],
            action__exact=ConsentEvent.Action.GRANTED,
        )
        purpose["customers_url"] = changelist("customers_customer", consent=f"{purpose['code']}:marketable")
    health = data.get("register")
    if health and health["register_id"]:
        health["url"] = reverse("admin:register_register_change", args=[health["register_id"]])
    prediction = data.get("retention", {}).get("prediction")
    if prediction:
        prediction["url"] = reverse("admin:register_purgerun_change", args=[prediction["id"]])
    last = data.get("retention", {}).get("last")
    if last:
        last["url"] = reverse("admin:register_purgerun_change", args=[last["id"]])


def context_for(request: HttpRequest, now: datetime | None = None) -> dict | None:
    """What the panel shows ``request.user``, or None when it shows them nothing."""
    user = request.user
    full = user.has_perm(FULL_PERMISSION)
    if not (full or user.has_perm(REQUESTS_PERMISSION)):
        return None
    now = now or timezone.now()
    data = {**figures(full)}
    # The cached dict is shared: copy what decorate() and charts() change.
    data["requests"] = {**data["requests"], "kinds": [dict(r) for r in data["requests"]["kinds"]]}
    data["requests"]["holders"] = [dict(h) for h in data["requests"]["holders"]]
    data["times"] = {
        **data["times"],
        "months": [dict(r) for r in data["times"]["months"]],
        "rejections": [dict(r) for r in data["times"]["rejections"]],
    }
    if full:
        data["consents"] = {**data["consents"], "purposes": [dict(p) for p in data["consents"]["purposes"]]}
        data["retention"] = {
            **data["retention"],
            "prediction": data["retention"]["prediction"] and dict(data["retention"]["prediction"]),
            "last": data["retention"]["last"] and dict(data["retention"]["last"]),
        }
        data["register"] = dict(data["register"])
    decorate(data)
    age = now - data["computed_at"]
    breaches = open_breaches(now) if full else []
    more_breaches = 0
    if len(breaches) == OPEN_BREACHES_SHOWN:
        more_breaches = Breach.objects.open().count() - len(breaches)
    return {
        "full": full,
        "data": data,
        "charts": charts(data),
        "links": links(data),
        "age_minutes": max(0, int(age.total_seconds() // 60)),
        "breaches": breaches,
        "more_breaches": more_breaches,
        "cache_minutes": CACHE_SECONDS // 60,
    }


def dashboard_panel(request: HttpRequest) -> str:
    """The dashboard's HTML for the admin index (``staff.sites.register_index_panel``)."""
    context = context_for(request)
    if context is None:
        return ""
    return render_to_string("breaches/dashboard.html", context, request=request)
