"""Every page staff and customers see is in their language: no English string left on it.

The walk renders every admin page of every model (list, add, change, history, a past version,
each custom page: the URLs come from the admin itself, as in ``tests/test_admin_roles.py``), the
staff sign-in pages, every public page and every email template, in sv, fi and nb. It fails on
any English source string found in the text of a page when that string has a translation in the
page's language. The English strings are the msgids of the project's catalogues, of Django's
admin and of django-simple-history.

A string is looked for only where a match means something: msgids are split at their
placeholders, and a piece is looked for when it has at least ``MIN_LENGTH`` letters and is not
translated by itself (a name, "OK"). Pieces of one word are looked for only when the msgid is that
word alone, so "Order" is found as a column heading, not inside a longer English sentence's
translation. Fix a finding by translating the string or by rendering the page in the reader's
language, not by adding it to ``IGNORED``.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import django
import polib
import pytest
import simple_history
from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.admin_world import make_admin_world
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db

LANGUAGES = ("sv", "fi", "nb")
MIN_LENGTH = 4
ROOT = Path(settings.BASE_DIR)
SIMPLE_HISTORY = Path(simple_history.__file__).parent / "locale" / "nb" / "LC_MESSAGES" / "django.po"
CATALOGUES = [
    ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po",
    *(
        ROOT / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
        for app in ("staff", "customers", "requests")
    ),
    Path(django.__file__).parent / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    SIMPLE_HISTORY,
]
# Strings that are the same words in English and a page's language, or product names.
IGNORED = {"Kundregister", "Django", "OTP", "TOTP", "IBAN", "E-mail"}
PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|\{[^}]*\}")
SKIPPED_ELEMENTS = re.compile(r"<(script|style|textarea|pre)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
# Visible attribute text: button labels, titles, placeholders.
ATTRIBUTES = re.compile(
    r"""\b(?:title|placeholder|aria-label|alt)="([^"]*)"|type="submit"[^>]*\bvalue="([^"]*)\""""
)


@cache
def source_strings() -> list[str]:
    """Every English msgid (singular and plural) of the project's, Django admin's and simple-history's."""
    found = set()
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            found.add((entry.msgctxt, entry.msgid))
            if entry.msgid_plural:
                found.add((entry.msgctxt, entry.msgid_plural))
    return sorted(found, key=lambda item: (item[0] or "", item[1]))


@cache
def library_strings() -> set[str]:
    """simple-history ships no sv or fi catalogue: its strings are English on any page until translated."""
    return {entry.msgid for entry in polib.pofile(str(SIMPLE_HISTORY))}


def translated(context: str | None, msgid: str, language: str) -> bool:
    if msgid in library_strings():
        return True
    with translation.override(language):
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return text.strip() != msgid.strip()


def translation_of(context: str | None, msgid: str, language: str) -> str:
    with translation.override(language):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


@cache
def patterns(language: str) -> list[tuple[str, re.Pattern, str | None]]:
    """(msgid, pattern, word) of every English string that would be wrong on a page in ``language``.

    ``word`` is the piece's longest word, lower-cased when the pattern ignores case: any match holds
    it, so a page without it need not be searched (None: a word whose case folding is not plain ASCII).
    """
    result = []
    for context, msgid in source_strings():
        if msgid in IGNORED or not translated(context, msgid, language):
            continue
        pieces = [" ".join(piece.split()) for piece in PLACEHOLDER.split(msgid)]
        pieces = [piece.strip(" .,:;()«»\"'-") for piece in pieces]
        whole_word = len(pieces) == 1
        for piece in pieces:
            letters = sum(ch.isalpha() for ch in piece)
            if letters < MIN_LENGTH or piece in IGNORED:
                continue
            if " " not in piece and not whole_word:
                continue
            if piece != msgid and not translated(context, piece, language) and " " not in piece:
                continue
            if piece.lower() in translation_of(context, msgid, language).lower():
                continue  # the same words in both languages ("GDPR Art. 18")
            words = r"\s+".join(re.escape(word) for word in piece.split())
            flags = 0 if " " not in piece else re.IGNORECASE
            # Whole words only, and not part of an identifier ("requests.request:42" is a reference).
            word = max(piece.split(), key=len)
            word = (word.lower() if flags else word) if word.isascii() else None
            pattern = re.compile(rf"(?<![\w./:?&=-]){words}(?![\w=-]|[.:/]\w)", flags)
            result.append((msgid, pattern, word))
    return result


def visible_text(page: str, language: str = "") -> str:
    """The text a reader sees; an element marked as another language (lang="en") is left out."""
    page = SKIPPED_ELEMENTS.sub(" ", page)
    if language:
        other = re.compile(rf"""<(\w+)\b[^>]*\blang="(?!{language}\b)[^"]*"[^>]*>.*?</\1>""", re.DOTALL)
        page = other.sub(" ", page)
    attributes = " | ".join(a or b for a, b in ATTRIBUTES.findall(page))
    text = re.sub(r"<[^>]+>", " | ", page)
    return " ".join(html.unescape(f"{text} | {attributes}").split())


def english_in(text: str, language: str) -> list[str]:
    lowered = text.lower()
    return sorted(
        {
            msgid
            for msgid, pattern, word in patterns(language)
            if (word is None or word in (lowered if pattern.flags & re.IGNORECASE else text))
            and pattern.search(text)
        }
    )


def test_the_check_finds_english_and_passes_translations():
    assert "Django administration" in english_in("Django administration | Hem", "sv")
    assert "This object doesn't have a change history." in english_in(
        "<p>This object doesn't have a change history.</p>", "fi"
    )
    with translation.override("nb"):
        norwegian = visible_text(f"<h1>{translation.gettext('Django administration')}</h1>")
    assert not english_in(norwegian, "nb")
    assert not english_in(visible_text('<script>var a = "Django administration";</script>'), "sv")
    # A language's own name, marked as that language, and a reference are not English on the page.
    assert not english_in(visible_text('<button lang="en">English</button>', "sv"), "sv")
    assert "English" in english_in(visible_text('<button lang="sv">English</button>', "sv"), "sv")
    assert not english_in("requests.request:42", "sv")
    assert "Choose…" in english_in("<option>Choose…</option>", "fi")


def admin_urls(world) -> list[tuple[str, str]]:
    from tests.test_admin_roles import model_urls, site_urls

    urls = [(key, path) for key, path in site_urls(world)]
    urls += [(key, path) for key, path, _policy in model_urls(world)]
    skipped = ("logout", "jsi18n", "catch_all", "view_on_site", "autocomplete", ":delete", ":redirect")
    return [(key, path) for key, path in urls if not key.endswith(skipped) and key not in skipped]


def language_client(language: str) -> Client:
    client = Client(raise_request_exception=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def check_pages(client: Client, urls, language: str) -> list[str]:
    """One line per English string found: the string, then the pages (at most three) it is on."""
    pages: dict[str, list[str]] = {}
    for key, path in urls:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for msgid in english_in(visible_text(response.content.decode(), language), language):
            pages.setdefault(msgid, []).append(f"{path} ({key})")
    return [
        f"{msgid!r} on {len(where)} page(s): {', '.join(where[:3])}" for msgid, where in sorted(pages.items())
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_page_is_in_the_staff_members_language(language, dpo):
    world = make_admin_world(dpo)
    client = login_with_second_factor(language_client(language), dpo)
    urls = admin_urls(world)
    assert len(urls) > 100 and any(key.endswith(":simple_history") for key, _path in urls)
    findings = check_pages(client, urls, language)
    assert not findings, f"English on {language} admin pages:\n" + "\n".join(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_sign_in_pages_are_in_the_staff_members_language(language, customer_service):
    client = language_client(language)
    pages = [("login", reverse("admin:login"))]
    findings = check_pages(client, pages, language)
    client.force_login(customer_service)
    pages = [("setup", reverse("admin:two_factor_setup")), ("verify", reverse("admin:two_factor_verify"))]
    findings += check_pages(client, pages, language)
    with translation.override(language):
        lockout = get_template("staff/locked_out.html").render({"minutes": 30})
    findings += [f"locked out: {m!r}" for m in english_in(visible_text(lockout, language), language)]
    assert not findings, "\n".join(findings)


def public_urls(world) -> list[tuple[str, str]]:
    from customers.unsubscribe import make_unsubscribe_token
    from register.models import NoticeVersion
    from requests.models import AccessReport

    notice = world[NoticeVersion]
    from customers.models import ConsentPurpose

    customer = world[AccessReport].request.customers.first()
    purpose = ConsentPurpose.objects.first()
    return [
        ("privacy", reverse("register:privacy")),
        ("privacy-version", reverse("register:privacy-version", args=[notice.number])),
        ("rights", reverse("requests:rights")),
        ("new", reverse("requests:new")),
        ("new erasure", reverse("requests:new") + "?kind=erasure"),
        ("new rectification", reverse("requests:new") + "?kind=rectification"),
        ("sent", reverse("requests:sent")),
        ("verified", reverse("requests:verified")),
        ("verify, bad link", reverse("requests:verify", args=["x" * 40])),
        ("report, bad link", reverse("requests:report", args=["x" * 40])),
        ("unsubscribe", reverse("customers:unsubscribe", args=[make_unsubscribe_token(customer, purpose)])),
        ("unsubscribe, bad link", reverse("customers:unsubscribe", args=["x" * 40])),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_in_the_customers_language(language, dpo):
    world = make_admin_world(dpo)
    client = language_client(language)
    with translation.override(language):
        urls = public_urls(world)
    findings = check_pages(client, urls, language)
    # A form sent with errors shows every field's error and help text.
    with translation.override(language):
        new = reverse("requests:new")
    page = visible_text(client.post(new, {"kind": "rectification"}).content.decode(), language)
    findings += [f"{new} (errors): {m!r}" for m in english_in(page, language)]
    assert not findings, f"English on {language} public pages:\n" + "\n".join(findings)


def email_context(world, language: str) -> dict:
    """A context holding every variable the email templates use, each with text in ``language``."""
    from register.models import Controller
    from requests.models import Request

    req = world[Request]
    now = timezone.now()
    with translation.override(language):
        kind = str(req.get_kind_display())
    item = {"what": "x", "reason": "y", "field": "z", "count": 1, "until": now, "holds": []}
    return {
        "number": str(req),
        "kind": kind,
        "url": "https://shop.example/x",
        "link": "https://shop.example/x",
        "text": "",
        "authority": {"name": "Tietosuojavaltuutettu", "url": "https://tietosuoja.fi"},
        "date": now,
        "due": now,
        "due_date": now,
        "expires_at": now,
        "name": "Maja",
        "recipient_name": "Posti",
        "hours": 24,
        "days": 30,
        "counter": 2,
        "req": req,
        "rows": [
            {"url": "https://shop.example/x", "number": "R1", "kind": kind, "due": now, "overdue": True}
        ],
        "purposes": ["p"],
        "recipients": ["Posti"],
        "retained": [item],
        "declined": [item],
        "corrected": ["f"],
        "customer_numbers": ["K1"],
        "statement": "s",
        "controller": Controller.objects.first(),
        "site_url": settings.SITE_URL,
    }


def email_templates() -> list[str]:
    folder = ROOT / "requests" / "templates" / "requests" / "email"
    return sorted(path.name for path in folder.glob("*.txt"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_email_is_in_the_customers_language(language, dpo):
    world = make_admin_world(dpo)
    context = email_context(world, language)
    findings = []
    django_engine = engines["django"]
    for name in email_templates():
        with translation.override(language):
            text = django_engine.get_template(f"requests/email/{name}").render(context)
        findings += [f"{name}: {m!r}" for m in english_in(" ".join(text.split()), language)]
    assert len(email_templates()) > 20
    assert not findings, f"English in {language} emails:\n" + "\n".join(findings)
