"""Web hooks against a real receiver on loopback: the validation challenge, the HMAC-SHA256
signature header, ping, test, and the event sent when a dataset's processing completes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from test_api_support import Api, live_server, validate

SECRET = "hook-secret"


class Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.events: list[tuple[str, dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def wait_for(self, event: str, timeout_s: float = 30) -> tuple[dict[str, str], Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for name, headers, body in list(self.events):
                if name == event:
                    return headers, json.loads(body)
            time.sleep(0.05)
        raise AssertionError(f"no {event} event; got {[e[0] for e in self.events]}")


class ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        token = parse_qs(urlsplit(self.path).query).get("validationToken")
        event = self.headers.get("X-MicrosoftSpeechServices-Event", "")
        self.server.events.append((event, dict(self.headers.items()), body))
        answer = token[0].encode() if token else b""
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _signed(headers: dict[str, str], body: Any) -> None:
    raw = json.dumps(body).encode()
    expected = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
    assert headers["X-MicrosoftSpeechServices-Signature"] == expected


def test_web_hook_challenge_signature_ping_test_and_dataset_events(
    tmp_path: Path, receiver: Receiver, azure_samples: Path
) -> None:
    with live_server(tmp_path, allow_private_content_urls=True) as (base_url, key):
        api = Api(base_url, key)
        events = {"ping": True, "datasetCompletion": True, "datasetCreation": False}
        hook = api.call(
            "POST",
            "/webhooks",
            "WebHook",
            201,
            json={
                "displayName": "receiver",
                "webUrl": receiver.url,
                "events": events,
                "properties": {"secret": SECRET},
            },
        )
        assert "secret" not in json.dumps(hook)
        receiver.wait_for("challenge")
        validated = api.wait(hook["self"], "WebHook", 30)
        assert validated["status"] == "Succeeded", validated

        api.call("POST", hook["links"]["ping"], None, 202)
        headers, body = receiver.wait_for("ping")
        validate(body, "WebHook")
        _signed(headers, body)

        api.call("POST", hook["links"]["test"], None, 202)
        headers, body = receiver.wait_for("datasetCompletion")
        _signed(headers, body)
        receiver.events.clear()

        text = azure_samples / "en-US" / "general" / "training" / "pronunciation.txt"
        created = api.call(
            "POST",
            "/datasets:upload",
            "Dataset",
            201,
            data={"displayName": "pron", "locale": "en-US", "kind": "Pronunciation"},
            files={"data": (text.name, text.read_bytes(), "text/plain")},
        )
        headers, body = receiver.wait_for("datasetCompletion", 60)
        _signed(headers, body)
        assert validate(body, "Dataset")["self"] == created["self"]
        assert body["status"] == "Succeeded"
        assert "datasetCreation" not in [name for name, _, _ in receiver.events]

        bad = api.call(
            "POST",
            "/webhooks",
            "Error",
            400,
            json={"displayName": "x", "webUrl": receiver.url, "events": {"nope": True}},
        )
        assert bad["innerError"]["code"] == "InvalidWebHookEventKind"
        api.close()
