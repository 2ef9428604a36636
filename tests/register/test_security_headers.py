"""Every page carries a strict Content-Security-Policy, a Permissions-Policy and COOP."""

import re

import pytest

from tests.factories import make_complete_register, make_request

INLINE_BLOCK = re.compile(r"<(script|style)\b(?![^>]*\bsrc=)([^>]*)>")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def nonce_of(response) -> str | None:
    """The nonce of the response's policy (django-csp adds one only when a page uses it)."""
    sources = policy(response)["script-src"]
    nonces = [source[len("'nonce-") : -1] for source in sources if source.startswith("'nonce-")]
    return nonces[0] if nonces else None


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name] and "'unsafe-eval'" not in directives[name]


def inline_blocks_carry_the_nonce(response) -> int:
    """Assert every inline <script>/<style> carries this response's nonce; return how many there are."""
    nonce = nonce_of(response)
    blocks = INLINE_BLOCK.findall(response.content.decode())
    for tag, attributes in blocks:
        if 'type="application/json"' in attributes:  # data, not code
            continue
        assert f'nonce="{nonce}"' in attributes, (tag, attributes)
    return len(blocks)


@pytest.mark.django_db
def test_request_form_nonce_matches_its_inline_script(client):
    response = client.get("/en/requests/new/")
    assert_strict(response)
    nonce = nonce_of(response)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert inline_blocks_carry_the_nonce(response) >= 3  # base style, form style, the kind switcher


@pytest.mark.django_db
def test_each_response_gets_its_own_nonce(client):
    assert nonce_of(client.get("/en/requests/new/")) != nonce_of(client.get("/en/requests/new/"))


@pytest.mark.django_db
def test_public_notice_has_the_policy(client):
    make_complete_register()
    response = client.get("/sv/privacy/", follow=True)
    assert_strict(response)
    inline_blocks_carry_the_nonce(response)


@pytest.mark.django_db
def test_admin_login_has_the_policy(client):
    response = client.get("/admin/login/")
    assert_strict(response)
    inline_blocks_carry_the_nonce(response)


def test_admin_pages_have_the_policy_and_no_inline_style_attributes(dpo_client):
    req = make_request()
    for url in (
        "/admin/",
        "/admin/requests/request/?status=all",
        f"/admin/requests/request/{req.pk}/change/",
    ):
        response = dpo_client.get(url)
        assert response.status_code == 200
        assert_strict(response)
        inline_blocks_carry_the_nonce(response)
        assert ' style="' not in response.content.decode(), url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/requests/new/", "/admin/login/", "/healthz/"])
def test_permissions_policy_denies_powerful_features(client, url):
    response = client.get(url)
    allowed = dict(part.split("=", 1) for part in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert allowed[feature] == "()"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
