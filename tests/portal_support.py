"""What the portal's tests share: a signed-in client on a live server, its forms (with their
CSRF token), waiting on the status the pages poll, and data made through the REST API."""

from __future__ import annotations

import html
import re
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from test_api_support import Api, base_model_url, live_server

ZERO_ID = "00000000-0000-0000-0000-000000000000"
TIMEOUT_S = 120  # a page that recognizes speech (try-it, a transcription's page) takes a while


@contextmanager
def signed_in(base_url: str, key: str) -> Iterator[httpx.Client]:
    """A client of the portal, signed in with `key`."""
    with httpx.Client(base_url=base_url, timeout=TIMEOUT_S) as client:
        response = client.post("/portal/signin", data={"key": key, "next": "/portal/"})
        assert response.status_code == 303, response.text
        yield client


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


@dataclass(frozen=True)
class LivePortal:
    """A server on loopback: its URL and key, the REST API and a signed-in portal client."""

    base_url: str
    key: str
    api: Api
    client: httpx.Client


@contextmanager
def live_portal(home: Path, workers: int = 1, **settings: Any) -> Iterator[LivePortal]:
    with (
        live_server(home, workers=workers, **settings) as (base_url, key),
        signed_in(base_url, key) as client,
    ):
        api = Api(base_url, key)
        try:
            yield LivePortal(base_url, key, api, client)
        finally:
            api.close()


@dataclass(frozen=True)
class ProjectPortal:
    """The portal's pages of one project, and its datasets (made through the REST API)."""

    api: Api
    client: httpx.Client  # signed in
    project_id: str
    project_url: str  # the project's REST self URL
    datasets: dict[str, str]  # name -> id, all Succeeded

    def page(self, path: str = "") -> str:
        """The project's page at `path` ("/models", ...), which must be there."""
        response = self.client.get(f"/portal/projects/{self.project_id}{path}")
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        assert "<h1>" in response.text
        return response.text

    def post(self, path: str, fields: dict[str, Any]) -> httpx.Response:
        """Post the form of the project's page at `path`."""
        return post_form(self.client, f"/portal/projects/{self.project_id}{path}", fields)

    def wait(self, table: str, item_id: str) -> str:
        return wait_status(self.client, table, item_id)


def post_form(
    client: httpx.Client, path: str, fields: dict[str, Any], files: Any = None
) -> httpx.Response:
    """Post `fields` (and `files`) as the form of the page at `path` does, with its token."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code, page.text[:500])
    return client.post(path, data={"csrf_token": csrf_of(page.text), **fields}, files=files)


def created_id(response: httpx.Response) -> str:
    """The id of what a wizard created, from the page it leads to."""
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


def wait_status(client: httpx.Client, table: str, item_id: str, timeout_s: float = 240) -> str:
    """Polls the portal's own status JSON (what the pages poll) until the work ends; its label."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = client.get(
            f"/portal/status/{table}/{item_id}", headers={"Accept": "application/json"}
        ).json()
        if status["status"] in ("Succeeded", "Failed"):
            return str(status["label"])
        assert time.monotonic() < deadline, status
        time.sleep(0.2)


def text_of(page: str) -> str:
    """The page's text, tags removed and whitespace collapsed (to find words in it)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def entity_id(body: dict[str, Any]) -> str:
    """The id in a REST body's self URL."""
    return str(body["self"]).split("?")[0].rsplit("/", 1)[1]


def api_project(api: Api, name: str) -> dict[str, Any]:
    """A new en-US project, made through the REST API; its JSON."""
    body: dict[str, Any] = api.call(
        "POST", "/projects", "Project", 201, json={"displayName": name, "locale": "en-US"}
    )
    return body


def upload(
    api: Api, project_url: str | None, kind: str, name: str, data: bytes, file: str
) -> str:
    """A dataset uploaded through the REST API (not the portal's data pages), in the project
    `project_url` (or none); its id, once it is Succeeded."""
    fields = {"displayName": name, "locale": "en-US", "kind": kind}
    if project_url is not None:
        fields["project"] = project_url
    created = api.call(
        "POST", "/datasets:upload", "Dataset", 201, data=fields, files={"data": (file, data)}
    )
    done = api.wait(created["self"], "Dataset")
    assert done["status"] == "Succeeded", done
    return entity_id(done)


def audio_zips(an4_dev: Path, target: Path, count: int) -> tuple[Path, Path, list[str]]:
    """(Acoustic zip, AudioFiles zip, names) of the first `count` AN4 dev utterances."""
    acoustic, audio_only = target / "acoustic.zip", target / "audio-only.zip"
    with zipfile.ZipFile(an4_dev) as archive:
        lines = archive.read("trans.txt").decode("utf-8-sig").splitlines()[:count]
        names = [line.split("\t")[0] for line in lines]
        with zipfile.ZipFile(acoustic, "w") as a, zipfile.ZipFile(audio_only, "w") as b:
            for name in names:
                a.writestr(name, archive.read(name))
                b.writestr(name, archive.read(name))
            a.writestr("trans.txt", "".join(f"{line}\n" for line in lines))
    return acoustic, audio_only, names


def sphinx_id(api: Api) -> str:
    """The id of the en-US sphinx base model, as GET /models/base lists it."""
    return entity_id({"self": base_model_url(api)})
