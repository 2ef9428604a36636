"""Every URL the admin exposes, as every role, with GET and POST, against tests/admin_policy.py.

The URLs come from the admin itself (the site's own pages, each ModelAdmin's ``get_urls()`` and
each change list's actions), filled in with real objects, so a page added by a library or by us
is walked too, and fails the walk until the policy table says who may use it. A refused POST
must not write to the database (found by testing: django-simple-history's revert form saved
for view-only staff).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, resolve, reverse
from simple_history.utils import get_history_manager_for_model

from register.models import NoticeVersion
from requests.models import AccessReport, Request
from tests.admin_policy import ACTIONS, MODELS, PAGES, ROLES, model_pages
from tests.admin_world import make_admin_world
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db

STANDARD = ("changelist", "add", "change", "delete", "history", "simple_history")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def objects_for_pages(world) -> dict[str, object]:
    """The object each custom page acts on, where the model's own row is not the right one."""
    erasure = Request.objects.get(kind=Request.Kind.ERASURE)
    return {
        "requests_request_erasure": erasure,
        "requests_request_erasure_choice": erasure,
        "requests_request_erasure_confirm": erasure,
        "requests_request_rights": Request.objects.get(kind=Request.Kind.RESTRICTION),
        "requests_rectificationchange_review": Request.objects.get(kind=Request.Kind.RECTIFICATION),
        "requests_accessreport_generate": world[Request],
        "requests_accessreport_download": AccessReport.objects.get(),
        "requests_accessreport_send": AccessReport.objects.get(),
        "requests_accessreport_review": AccessReport.objects.get(),
    }


def site_urls(world) -> list[tuple[str, str]]:
    """(policy key, path) of the admin site's own pages."""
    urls = []
    notice = world[NoticeVersion]
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver):
            continue  # a model's pages, walked below
        if pattern.name == "app_list":
            labels = sorted({model._meta.app_label for model in admin.site._registry})
            urls += [(f"app_list/{label}", reverse("admin:app_list", args=[label])) for label in labels]
        elif pattern.name == "view_on_site":
            content_type = ContentType.objects.get_for_model(notice)
            urls.append(("view_on_site", reverse("admin:view_on_site", args=[content_type.pk, notice.pk])))
        elif pattern.name is None and "(?P<url>" in str(pattern.pattern):
            urls.append(("catch_all", reverse("admin:index") + "no-such-page/"))
        else:
            urls.append((pattern.name, reverse(f"admin:{pattern.name}")))
    for key, _path in urls:
        assert key in PAGES, f"admin page {key} is not in tests/admin_policy.py PAGES"
    return urls


def model_urls(world) -> list[tuple[str, str, tuple]]:
    """(policy key, path, (who may GET, who may POST)) of every page of every ModelAdmin."""
    urls = []
    special = objects_for_pages(world)
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        assert label in MODELS, f"admin of {label} is not in tests/admin_policy.py MODELS"
        obj = world[model]
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        standard = model_pages(*MODELS[label])
        for pattern in model_admin.get_urls():
            assert isinstance(pattern, URLPattern), pattern
            name = pattern.name
            if name is None:
                urls.append(
                    (
                        f"{label}:redirect",
                        f"{reverse(f'admin:{info}_changelist')}{obj.pk}/",
                        standard["redirect"],
                    )
                )
                continue
            kind = name.removeprefix(f"{info}_")
            if kind in ("changelist", "add"):
                urls.append((f"{label}:{kind}", reverse(f"admin:{name}"), standard[kind]))
            elif kind in ("change", "delete", "history"):
                urls.append((f"{label}:{kind}", reverse(f"admin:{name}", args=[obj.pk]), standard[kind]))
            elif kind == "simple_history":
                version = get_history_manager_for_model(obj).order_by("history_id").first()
                path = reverse(f"admin:{name}", args=[obj.pk, version.history_id])
                urls.append((f"{label}:{kind}", path, standard[kind]))
            else:
                urls += custom_urls(name, pattern, special.get(name, obj))
    return urls


def custom_urls(name: str, pattern: URLPattern, obj) -> list[tuple[str, str, tuple]]:
    kwargs, choices = {}, [""]
    for parameter in pattern.pattern.converters:
        if parameter == "action":
            choices = [key.split("/", 1)[1] for key in PAGES if key.startswith(f"{name}/")]
            assert choices, f"list the actions of {name} in tests/admin_policy.py PAGES"
        else:
            kwargs[parameter] = obj.pk
    urls = []
    for choice in choices:
        key = f"{name}/{choice}" if choice else name
        assert key in PAGES, f"admin page {key} is not in tests/admin_policy.py PAGES"
        path = reverse(f"admin:{name}", kwargs={**kwargs, **({"action": choice} if choice else {})})
        urls.append((key, path, PAGES[key]))
    return urls


def refused(response, user) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code in (301, 302):
        target = resolve(urlsplit(response["Location"]).path).url_name
        # The index sends whoever is not staff to the login page in turn.
        return target == "login" or (target == "index" and not user.is_staff)
    return False


class Walker:
    """Requests a URL as each role inside a savepoint, so allowed POSTs leave the world as it was."""

    def __init__(self, users):
        self.users = users
        self.clients = {}
        for role, user in users.items():
            self.clients[role] = self.login(Client(raise_request_exception=False), user)

    @staticmethod
    def login(client: Client, user) -> Client:
        """Sign in as a full login leaves a session: staff with their second factor given."""
        if user.is_staff:
            return login_with_second_factor(client, user)
        client.force_login(user)
        return client

    def allowed(self, method: str, path: str, data=None) -> set[str]:
        allowed = set()
        for role, client in self.clients.items():
            connection.queries_log.clear()  # a full log would capture nothing
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(path, data or {})
                transaction.set_rollback(True)
            assert response.status_code < 500, (role, method, path, response.status_code)
            if refused(response, self.users[role]):
                writes = [
                    q["sql"] for q in queries if WRITE.match(q["sql"]) and "django_session" not in q["sql"]
                ]
                assert not writes, (role, method, path, writes)
            else:
                allowed.add(role)
            if not client.cookies.get("sessionid") or not client.cookies["sessionid"].value:
                self.login(client, self.users[role])  # logging out is allowed; log back in
        return allowed


@pytest.fixture
def walker(outsider, customer_service, dpo):
    return Walker({"outsider": outsider, "customer_service": customer_service, "dpo": dpo})


def test_every_admin_url_answers_each_role_as_the_policy_says(walker, dpo):
    world = make_admin_world(dpo)
    assert set(MODELS) == {model._meta.label_lower for model in admin.site._registry}
    urls = [(key, path, PAGES[key]) for key, path in site_urls(world)] + model_urls(world)
    assert {key for key, _path, _policy in urls} >= set(PAGES), "PAGES lists pages the admin no longer has"
    mismatches = []
    for key, path, (may_get, may_post) in urls:
        for method, expected in (("get", may_get), ("post", may_post)):
            got = walker.allowed(method, path)
            if got != set(expected):
                mismatches.append(
                    f"{method.upper()} {path} ({key}): allowed {sorted(got)}, policy {sorted(expected)}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_every_action_is_offered_and_refused_as_the_policy_says(walker, dpo, django_user_model):
    world = make_admin_world(dpo)
    superuser = django_user_model.objects.create_superuser("root", "root@shop.example", "x")
    requests_as = {}
    for role, user in [*walker.users.items(), ("superuser", superuser)]:
        requests_as[role] = RequestFactory().get("/")
        requests_as[role].user = user
    seen, mismatches = set(), []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in model_admin.get_actions(requests_as["superuser"]):
            key = f"{label}.{name}"
            expected = MODELS[label][3] if name == "delete_selected" else ACTIONS.get(key)
            assert expected is not None, f"action {key} is not in tests/admin_policy.py ACTIONS"
            seen.add(key)
            offered = {role for role in ROLES if name in model_admin.get_actions(requests_as[role])}
            if offered != set(expected):
                mismatches.append(f"{key}: offered to {sorted(offered)}, policy {sorted(expected)}")
            data = {"action": name, "_selected_action": [world[model].pk], "index": "0"}
            for role in ROLES:
                connection.queries_log.clear()
                with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                    response = walker.clients[role].post(changelist, data)
                    transaction.set_rollback(True)
                assert response.status_code < 500, (role, key)
                if role not in expected:
                    # An action one is not offered is refused: the list again, nothing written.
                    writes = [
                        q["sql"]
                        for q in queries
                        if WRITE.match(q["sql"]) and "django_session" not in q["sql"]
                    ]
                    assert not writes, (role, key, writes)
    assert not mismatches, "\n".join(mismatches)
    assert set(ACTIONS) <= seen, f"ACTIONS lists actions the admin no longer has: {set(ACTIONS) - seen}"
