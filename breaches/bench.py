"""How long the dashboard takes to compute, on whatever the database holds.

``dashboard_time()`` is what ``manage.py bench_dashboard`` (and ``make bench``) print: the server
time of computing every figure of the DPO's dashboard with an empty cache, the number of queries,
and the time of a second, cached render. It builds nothing; ``bench_dashboard`` fills its own
``kr_bench`` database first.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from breaches import dashboard


def dashboard_time(user=None) -> dict[str, float | int]:
    """Render the dashboard panel twice (empty cache, then cached); return seconds and query counts.

    The first render computes every figure (what the background refresh costs); the second is what
    staff wait for on every later page view.

    ``user`` is whose dashboard is rendered (default: a superuser, who sees every figure).
    """
    if user is None:
        user = get_user_model()(username="bench", is_staff=True, is_superuser=True, is_active=True)
    request = RequestFactory().get("/admin/")
    request.user = user
    cache.delete_many(
        [dashboard._key(full, lang) for full in (True, False) for lang in ("sv", "fi", "nb", "en", None)]
    )
    with CaptureQueriesContext(connection) as cold_queries:
        started = time.perf_counter()
        dashboard.dashboard_panel(request)
        cold = time.perf_counter() - started
    with CaptureQueriesContext(connection) as warm_queries:
        started = time.perf_counter()
        dashboard.dashboard_panel(request)
        warm = time.perf_counter() - started
    return {
        "cold_seconds": cold,
        "cold_queries": len(cold_queries),
        "cached_seconds": warm,
        "cached_queries": len(warm_queries),
    }
