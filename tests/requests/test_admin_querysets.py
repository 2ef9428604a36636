"""Pages that act on one request or report fetch it through the admin's queryset.

So a restriction of what an admin lists (``get_queryset``) holds on its buttons and
custom pages too, not only on the change list and change form.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from requests.admin import AccessReportAdmin, RequestAdmin
from requests.models import AccessReport, Request
from tests.factories import make_request

pytestmark = pytest.mark.django_db

# (URL name, extra URL arguments after the pk, HTTP method, kind of request the page is for)
REQUEST_PAGES = [
    ("requests_request_verify", [], "get", Request.Kind.ACCESS),
    ("requests_request_extend", [], "get", Request.Kind.ACCESS),
    ("requests_request_reject", [], "get", Request.Kind.ACCESS),
    ("requests_request_reply", [], "get", Request.Kind.ACCESS),
    ("requests_request_incoming", [], "get", Request.Kind.ACCESS),
    ("requests_request_act", ["assign_me"], "post", Request.Kind.ACCESS),
    ("requests_request_erasure", [], "get", Request.Kind.ERASURE),
    ("requests_request_rights", ["tell_recipients"], "post", Request.Kind.OBJECTION),
    ("requests_accessreport_generate", [], "post", Request.Kind.ACCESS),
    ("requests_rectificationchange_review", [], "get", Request.Kind.RECTIFICATION),
]


def hide(monkeypatch, admin_class, obj) -> None:
    """Make ``admin_class`` leave ``obj`` out of its queryset, as a restricted admin would."""
    original = admin_class.get_queryset
    monkeypatch.setattr(
        admin_class, "get_queryset", lambda self, request: original(self, request).exclude(pk=obj.pk)
    )


@pytest.mark.parametrize(("name", "args", "method", "kind"), REQUEST_PAGES)
def test_request_pages_do_not_find_a_request_the_request_admin_hides(
    dpo_client, monkeypatch, name, args, method, kind
):
    hidden = make_request(kind=kind)
    shown = make_request(kind=kind)
    hide(monkeypatch, RequestAdmin, hidden)
    send = getattr(dpo_client, method)
    assert send(reverse(f"admin:{name}", args=[hidden.pk, *args])).status_code == 404
    assert send(reverse(f"admin:{name}", args=[shown.pk, *args])).status_code in (200, 302)


@pytest.mark.parametrize(
    ("name", "method"), [("requests_accessreport_download", "get"), ("requests_accessreport_send", "post")]
)
def test_report_pages_do_not_find_a_report_the_report_admin_hides(dpo_client, monkeypatch, name, method):
    req = make_request()
    expires = timezone.now() + timedelta(days=7)
    hidden, shown = (
        AccessReport.objects.create(request=req, kind="access", file_path=f"{n}.zip", expires_at=expires)
        for n in ("hidden", "shown")
    )
    hide(monkeypatch, AccessReportAdmin, hidden)
    send = getattr(dpo_client, method)
    assert send(reverse(f"admin:{name}", args=[hidden.pk])).status_code == 404
    assert send(reverse(f"admin:{name}", args=[shown.pk])).status_code == 302
