"""The client's HTTP layer: one httpx session, the api-version, and the one mapping from the
API's Error JSON to the voxtune.errors hierarchy."""

from __future__ import annotations

from typing import Any

import httpx

from voxtune.errors import (
    AudioError,
    AuthError,
    ConflictError,
    DatasetError,
    EngineError,
    InvalidInputError,
    ModelError,
    NotFoundError,
    VoxtuneError,
)

API_VERSION = "2025-10-15"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
PROGRESS_HEADER = "X-Voxtune-Progress"  # a running job's progress 0..1 (voxtune extension)
DEFAULT_TIMEOUT_S = 60.0
_BY_INNER_CODE: dict[str, type[VoxtuneError]] = {
    "InvalidModel": ModelError,
    "ModelNotDeployable": ModelError,
    "InvalidDataset": DatasetError,
    "InvalidPayload": AudioError,
}
_BY_STATUS: dict[int, type[VoxtuneError]] = {
    400: InvalidInputError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
}


def error_from_response(response: httpx.Response) -> VoxtuneError:
    """The voxtune error an error answer stands for (its code, inner code and message kept)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = str(body.get("message") or response.text[:500] or response.reason_phrase)
    inner = body.get("innerError") if isinstance(body.get("innerError"), dict) else None
    inner_code = str(inner["code"]) if inner and inner.get("code") else None
    status = response.status_code
    kind = _BY_STATUS.get(status, EngineError if status >= 500 else InvalidInputError)
    if status == 400 and inner_code in _BY_INNER_CODE:
        kind = _BY_INNER_CODE[inner_code]
    error = kind(message, inner_code=inner_code)
    if body.get("code"):
        error.code = str(body["code"])
    error.http_status = status
    return error


class Transport:
    """Requests to one server with one key; raises VoxtuneError on error answers."""

    def __init__(
        self,
        base_url: str,
        key: str | None,
        *,
        api_version: str = API_VERSION,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        http: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_version = api_version
        headers = {KEY_HEADER: key} if key else {}
        self.http = http or httpx.Client(timeout=timeout_s)
        self.http.headers.update(headers)

    def url(self, path: str) -> str:
        """`path` below /speechtotext, or an absolute URL (a `self` or `@nextLink`) as is."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/speechtotext/{path.lstrip('/')}"

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.url(path)
        if not kwargs.get("params"):
            kwargs.pop("params", None)  # httpx would replace the URL's own query with it
        if "api-version=" not in url:
            kwargs["params"] = {"api-version": self.api_version, **(kwargs.get("params") or {})}
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise EngineError(f"cannot reach {self.base_url}: {error}") from error
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()

    def download(self, url: str) -> bytes:
        """A signed contentUrl (no key needed)."""
        try:
            response = httpx.get(url, timeout=self.http.timeout)
        except httpx.HTTPError as error:
            raise EngineError(f"cannot download {url}: {error}") from error
        if response.status_code >= 400:
            raise error_from_response(response)
        return response.content

    def close(self) -> None:
        self.http.close()
