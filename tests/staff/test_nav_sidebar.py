"""The admin's sidebar, written in Python, says exactly what Django's app_list template says."""

import re

import pytest
from django.contrib import admin
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from staff.templatetags.staff_admin import nav_app_list

pytestmark = pytest.mark.django_db


def squeeze(html: str) -> str:
    """The HTML with the whitespace between tags and inside text collapsed."""
    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r"\s+", " ", html)


def both(user, path: str, language: str) -> tuple[str, str]:
    request = RequestFactory().get(path)
    request.user = user
    with translation.override(language):
        apps = admin.site.get_app_list(request)
        ours = nav_app_list({"available_apps": apps, "request": request})
        django = render_to_string(
            "admin/app_list.html",
            {"app_list": apps, "show_changelinks": False, "request": request},
        )
    return squeeze(ours), squeeze(django)


@pytest.mark.parametrize("language", ["en", "sv", "fi", "nb"])
def test_the_sidebar_matches_djangos_template_on_a_change_list(dpo, language):
    ours, django = both(dpo, reverse("admin:customers_customer_changelist"), language)
    assert ours == django
    assert ' current-model"' in ours and 'aria-current="page"' in ours


def test_the_sidebar_matches_for_a_role_that_sees_less(customer_service):
    ours, django = both(customer_service, reverse("admin:index"), "sv")
    assert ours == django
    assert "current-model" not in ours


def test_no_apps_says_so(client):
    request = RequestFactory().get("/admin/")
    with translation.override("fi"):
        text = nav_app_list({"available_apps": [], "request": request})
    assert text.startswith("<p>") and "You don’t have permission" not in text


def test_every_admin_page_has_the_sidebar(dpo_client):
    page = dpo_client.get(reverse("admin:customers_order_changelist")).content.decode()
    assert 'id="nav-sidebar"' in page
    assert 'class="model-order current-model"' in page


@pytest.mark.parametrize("who", ["dpo", "customer_service"])
@pytest.mark.parametrize("label", [None, "customers"])
def test_the_sites_app_list_is_djangos_with_names_translated_once(request, who, label):
    request_ = RequestFactory().get("/admin/")
    request_.user = request.getfixturevalue(who)
    with translation.override("sv"):
        ours = admin.site._build_app_dict(request_, label)
        django = admin.AdminSite._build_app_dict(admin.site, request_, label)
        again = admin.site._build_app_dict(request_, label)  # from the site's reversed URLs
        for app in django.values():  # Django's names are lazy: translate them here, in Swedish
            app["name"] = str(app["name"])
            for model in app["models"]:
                model["name"] = str(model["name"])
    assert ours == again == django
    names = [model["name"] for app in ours.values() for model in app["models"]] + [
        a["name"] for a in ours.values()
    ]
    assert names and all(type(name) is str for name in names)


@pytest.mark.parametrize("language", ["en", "fi"])
def test_the_app_list_is_djangos_with_each_address_reversed_once(dpo, customer_service, language):
    for user in (dpo, customer_service):
        request = RequestFactory().get("/admin/")
        request.user = user
        with translation.override(language):
            ours = admin.site._build_app_dict(request)
            django = admin.AdminSite._build_app_dict(admin.site, request)
            for app in django.values():
                app["name"] = str(app["name"])
                for model in app["models"]:
                    model["name"] = str(model["name"])
        assert ours == django


def test_a_kept_sidebar_follows_the_page_the_language_and_the_role(dpo, customer_service):
    """The sidebar is kept between pages; each page, language and role still gets its own."""
    pages = [
        (dpo, reverse("admin:customers_customer_changelist"), "sv"),
        (dpo, reverse("admin:customers_order_changelist"), "sv"),
        (dpo, reverse("admin:customers_customer_changelist"), "fi"),
        (customer_service, reverse("admin:customers_customer_changelist"), "sv"),
        (dpo, reverse("admin:index"), "sv"),
    ]
    seen = []
    for _ in range(2):
        for user, path, language in pages:
            ours, django = both(user, path, language)
            assert ours == django, (user.username, path, language)
            seen.append(ours)
    assert len(set(seen)) == len(pages)


def app_list(user, language="en"):
    request = RequestFactory().get("/admin/")
    request.user = type(user).objects.get(pk=user.pk)  # a fresh user: its permissions read again
    with translation.override(language):
        return admin.site.get_app_list(request), request


def models_of(apps) -> set[str]:
    return {model["object_name"] for app in apps for model in app["models"]}


def test_the_kept_app_list_is_djangos_for_each_role_and_language(dpo, customer_service):
    from django.contrib.admin import AdminSite

    for user in (dpo, customer_service, dpo):
        for language in ("sv", "en"):
            kept, request = app_list(user, language)
            with translation.override(language):
                built = AdminSite.get_app_list(admin.site, request)
            assert kept == built


def test_a_permission_granted_or_taken_shows_at_the_next_page(customer_service):
    from django.contrib.auth.models import Permission

    before, _ = app_list(customer_service)
    assert "Breach" not in models_of(before)
    permission = Permission.objects.get(content_type__app_label="breaches", codename="view_breach")
    customer_service.user_permissions.add(permission)
    granted, _ = app_list(customer_service)
    assert "Breach" in models_of(granted)
    customer_service.user_permissions.remove(permission)
    assert models_of(app_list(customer_service)[0]) == models_of(before)


@pytest.mark.parametrize("change", [{"is_staff": False}, {"is_active": False}])
def test_an_inactive_or_demoted_users_list_is_not_kept(customer_service, change):
    from django.contrib.admin import AdminSite

    type(customer_service).objects.filter(pk=customer_service.pk).update(**change)
    admin.site._app_lists.clear()
    apps, request = app_list(customer_service)
    assert apps == AdminSite.get_app_list(admin.site, request)
    assert not admin.site._app_lists


def test_each_page_gets_its_own_copy_of_the_kept_list(dpo):
    first, _ = app_list(dpo)
    first[0]["models"].clear()
    first[0]["name"] = "changed"
    second, _ = app_list(dpo)
    assert second[0]["models"] and second[0]["name"] != "changed"
