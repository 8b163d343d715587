"""Helpers for the API tests: a real server on loopback and spec validation of responses."""

from __future__ import annotations

import base64
import http.server
import json
import re
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import uvicorn

from voxtune.api import create_app
from voxtune.service.security import create_api_key
from voxtune.settings import Settings

SPEC_DIR = Path(__file__).resolve().parents[2] / "shared" / "spec" / "2025-10-15"
SPEC_PATH = SPEC_DIR / "speechtotext.json"
SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def validate(body: Any, definition: str) -> Any:
    """Validate `body` against a definition of the 2025-10-15 spec; return it."""
    schema = {"definitions": SPEC["definitions"], "$ref": f"#/definitions/{definition}"}
    jsonschema.Draft4Validator(schema).validate(body)
    return body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(
    home: Path, workers: int | None = None, **overrides: Any
) -> Iterator[tuple[str, str]]:
    """(base URL, API key) of a server (one embedded worker by default) on a free port."""
    settings = Settings(home=home, job_poll_s=0.1, **overrides)
    app = create_app(settings, workers=workers)
    key = create_api_key(app.state.services.database, "tests")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", key
    finally:
        server.should_exit = True
        thread.join(20)


class Api:
    """An httpx client that validates every JSON answer against the spec."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url
        self.client = httpx.Client(
            base_url=base_url, headers={"Ocp-Apim-Subscription-Key": key}, timeout=60
        )

    def call(
        self, method: str, path: str, definition: str | None, expect: int, **kwargs: Any
    ) -> Any:
        url = path if path.startswith("http") else f"/speechtotext{path}"
        if "api-version" not in url:
            kwargs["params"] = {"api-version": "2025-10-15", **kwargs.get("params", {})}
        response = self.client.request(method, url, **kwargs)
        assert response.status_code == expect, (response.status_code, response.text)
        if definition is None:
            return response
        body = response.json()
        if isinstance(body, dict) and "values" in body and definition.startswith("Paginated"):
            validate(body, definition)
        return validate(body, definition)

    def close(self) -> None:
        self.client.close()

    def wait(self, path: str, definition: str, timeout_s: float = 180) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            body: dict[str, Any] = self.call("GET", path, definition, 200)
            if body["status"] in ("Succeeded", "Failed"):
                return body
            assert time.monotonic() < deadline, f"{path} still {body['status']}"
            time.sleep(0.2)

    def upload_blocks(self, dataset_id: str, data: bytes, block_bytes: int = 2**20) -> None:
        ids = []
        for index in range(0, len(data), block_bytes):
            block_id = base64.b64encode(f"block-{index // block_bytes:06d}".encode()).decode()
            ids.append(block_id)
            self.call(
                "PUT",
                f"/datasets/{dataset_id}/blocks",
                None,
                201,
                params={"blockid": block_id},
                content=data[index : index + block_bytes],
            )
        listed = self.call("GET", f"/datasets/{dataset_id}/blocks", "UploadedBlocks", 200)
        assert [b["name"] for b in listed["uncommittedBlocks"]] == ids
        self.call(
            "POST",
            f"/datasets/{dataset_id}/blocks:commit",
            None,
            200,
            json=[{"kind": "Latest", "id": block_id} for block_id in ids],
        )


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    body = "".join("[^/:]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^/speechtotext{body}$")


_OPERATIONS = [(_path_pattern(path), ops) for path, ops in SPEC["paths"].items()]


def response_schema(method: str, path: str, status: int) -> dict[str, Any] | None:
    """The spec's schema for this answer (the operation's, or its `default`: Error)."""
    for pattern, operations in _OPERATIONS:
        operation = operations.get(method.lower())
        if operation is not None and pattern.match(path):
            responses = operation["responses"]
            answer = responses.get(str(status)) or responses.get("default") or {}
            return answer.get("schema")
    return None


def validate_response(response: httpx.Response) -> None:
    """httpx response hook: every JSON answer of a spec operation matches the spec."""
    schema = response_schema(
        response.request.method, response.request.url.path, response.status_code
    )
    if schema is None or not response.headers.get("content-type", "").startswith(
        "application/json"
    ):
        return
    response.read()
    document = {"definitions": SPEC["definitions"], **schema}
    jsonschema.Draft4Validator(document).validate(response.json())


def validating_http() -> httpx.Client:
    """An httpx client (for voxtune.client) that validates every answer against the spec."""
    return httpx.Client(timeout=60, event_hooks={"response": [validate_response]})


def an4_subset(source: Path, target: Path, keep: Callable[[int, str], bool]) -> list[str]:
    """An Acoustic dataset zip of the AN4 utterances (index, wav name) that `keep` picks, with
    their trans.txt lines; their names in order."""
    with zipfile.ZipFile(source) as archive:
        lines = archive.read("trans.txt").decode("utf-8-sig").splitlines()
        picked = [line for index, line in enumerate(lines) if keep(index, line.split("\t")[0])]
        with zipfile.ZipFile(target, "w") as subset:
            for line in picked:
                name = line.split("\t")[0]
                subset.writestr(name, archive.read(name))
            subset.writestr("trans.txt", "".join(f"{line}\n" for line in picked))
    return [line.split("\t")[0] for line in picked]


@contextmanager
def file_server(directory: Path) -> Iterator[str]:
    """A plain HTTP server on loopback serving `directory` (contentUrls for transcriptions)."""

    def handler(*args: Any, **kwargs: Any) -> http.server.SimpleHTTPRequestHandler:
        return _QuietHandler(*args, directory=str(directory), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def base_model_url(api: Api, name: str = "sphinx-en-us", locale: str = "en-US") -> str:
    """The self URL of the base model `name` in `locale` (what baseModel and model name)."""
    values = api.call("GET", "/models/base", "PaginatedBaseModels", 200, params={"top": 100})
    return str(
        next(
            body["self"]
            for body in values["values"]
            if body["properties"]["baseModelName"] == name and body["locale"] == locale
        )
    )


def base_model_endpoint(base_url: str, key: str, name: str = "sphinx-en-us") -> str:
    """The id of a new endpoint serving the en-US base model `name` (what `cid=` names)."""
    api = Api(base_url, key)
    try:
        endpoint = api.call(
            "POST", "/endpoints", "Endpoint", 201,
            json={"displayName": "base", "locale": "en-US",
                  "model": {"self": base_model_url(api, name)}},
        )
    finally:
        api.close()
    return str(endpoint["self"]).rsplit("/", 1)[1].split("?")[0]
