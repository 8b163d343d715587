"""The portal's sign-in, session cookie and CSRF, on a real server on loopback (no workers)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from httpx import Client as HttpClient

from portal_support import ZERO_ID, csrf_of, signed_in
from test_api_support import live_server
from voxtune.portal.session import COOKIE, Session, encode_session


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    home = tmp_path_factory.mktemp("home")
    with live_server(home, workers=0) as (base_url, key):
        yield base_url, key


def portal_paths(method: str) -> list[str]:
    """Every portal route of `method` but sign-in, its ids the all-zero UUID."""
    from voxtune.portal import ROUTERS

    paths = []
    for router in ROUTERS:
        for route in router.routes:
            path = getattr(route, "path", "")
            if method in getattr(route, "methods", ()) and not path.endswith("/signin"):
                paths.append(
                    re.sub(r"\{[a-z_]+\}", ZERO_ID, path).replace(
                        f"/status/{ZERO_ID}", "/status/datasets"
                    )
                )
    return paths


def test_every_portal_page_without_a_session_leads_to_sign_in(server: tuple[str, str]) -> None:
    base_url, _ = server
    paths = portal_paths("GET")
    assert len(paths) >= 4, paths
    with HttpClient(base_url=base_url) as client:
        for path in paths:
            response = client.get(path)
            assert response.status_code == 303, (path, response.status_code)
            assert response.headers["location"].startswith("/portal/signin?next="), path
            assert ZERO_ID not in response.text
        root = client.get("/", follow_redirects=True)
        assert root.url.path == "/portal/signin"
        assert "<h1>Sign in</h1>" in root.text


def test_posts_without_a_session_lead_to_sign_in(server: tuple[str, str]) -> None:
    base_url, _ = server
    paths = portal_paths("POST")
    assert len(paths) >= 7, paths  # every wizard, sign-out, the try-it box
    with HttpClient(base_url=base_url) as client:
        for path in paths:
            response = client.post(path, data={"name": "x", "csrf_token": "x"})
            assert response.status_code == 303, (path, response.status_code)
            assert response.headers["location"].startswith("/portal/signin"), path
            assert ZERO_ID not in response.text


def test_a_wrong_key_is_refused_in_words(server: tuple[str, str]) -> None:
    base_url, _ = server
    with HttpClient(base_url=base_url) as client:
        response = client.post("/portal/signin", data={"key": "0" * 32})
        assert response.status_code == 401
        assert "not valid" in response.text
        assert COOKIE not in response.headers.get("set-cookie", "")


def test_the_session_cookie_is_http_only_strict_and_expiring(server: tuple[str, str]) -> None:
    base_url, key = server
    with HttpClient(base_url=base_url) as client:
        response = client.post("/portal/signin", data={"key": key, "next": "/portal/"})
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=" in cookie
        assert response.headers["location"] == "/portal/"
        page = client.get("/portal/")
        assert page.status_code == 200 and "<h1>Fine-tuning</h1>" in page.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/speechtotext"])
def test_sign_in_never_redirects_away(server: tuple[str, str], target: str) -> None:
    base_url, key = server
    with HttpClient(base_url=base_url) as client:
        response = client.post("/portal/signin", data={"key": key, "next": target})
        assert response.headers["location"] == "/portal/"


def test_forged_and_expired_sessions_are_refused(server: tuple[str, str]) -> None:
    base_url, key = server
    with signed_in(base_url, key) as client:
        good = client.cookies[COOKIE]
    body, _, signature = good.partition(".")
    forged = [
        f"{body}.{'A' * len(signature)}",  # wrong signature
        encode_session(b"not the secret", Session("any", "n", 2**40)),  # another secret
        "garbage",
        "",
    ]
    for cookie in forged:
        with HttpClient(base_url=base_url, cookies={COOKIE: cookie}) as client:
            response = client.get("/portal/")
            assert response.status_code == 303, cookie


def test_a_form_without_its_csrf_token_is_refused(server: tuple[str, str]) -> None:
    base_url, key = server
    with signed_in(base_url, key) as client:
        for data in ({"name": "no token"}, {"name": "wrong", "csrf_token": "x" * 43}):
            response = client.post("/portal/projects/new", data=data)
            assert response.status_code == 403
            assert "security token" in response.text
        listing = client.get("/portal/")
        assert "no token" not in listing.text and "wrong" not in listing.text


def test_create_a_project_and_sign_out(server: tuple[str, str]) -> None:
    base_url, key = server
    with signed_in(base_url, key) as client:
        token = csrf_of(client.get("/portal/projects/new").text)
        created = client.post(
            "/portal/projects/new",
            data={"csrf_token": token, "name": "Clinic dictation", "locale": "en-US"},
        )
        assert created.status_code == 303
        assert "Clinic dictation" in client.get("/portal/").text
        missing = client.post("/portal/projects/new", data={"csrf_token": token, "name": ""})
        assert missing.status_code == 400 and "name" in missing.text
        out = client.post("/portal/signout", data={"csrf_token": token})
        assert out.status_code == 303
        assert client.get("/portal/").status_code == 303


def test_an_unknown_project_is_a_page_in_words(server: tuple[str, str]) -> None:
    base_url, key = server
    with signed_in(base_url, key) as client:
        response = client.get(f"/portal/projects/{ZERO_ID}")
        assert response.status_code == 404
        assert "<h1>Not found</h1>" in response.text and "Traceback" not in response.text


def test_the_api_still_answers_json_and_needs_its_key(server: tuple[str, str]) -> None:
    base_url, _ = server
    with HttpClient(base_url=base_url) as client:
        response = client.get("/speechtotext/projects", params={"api-version": "2025-10-15"})
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/json")
