"""Authentication: every route but /health, the OpenAPI document, signed file links and the
portal (which signs in with a key and keeps a session cookie) needs `Ocp-Apim-Subscription-Key`
or `Authorization: Bearer <token from /sts/v1.0/issueToken>`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request, Response

from voxtune.api.errors import error_response
from voxtune.errors import AuthError
from voxtune.service.context import Services
from voxtune.service.security import key_is_valid, verify_token

KEY_HEADER = "Ocp-Apim-Subscription-Key"
OPEN_PATHS = (
    "/health",
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/",
    "/portal",
)
# signed links, copy authorizations; the portal checks its own session cookie
OPEN_PREFIXES = ("/files/", "/voxtune/copy/", "/portal/")


def authenticate(services: Services, request: Request) -> None:
    check_credentials(
        services,
        request.headers.get(KEY_HEADER),
        request.headers.get("Authorization", ""),
        tokens_allowed=not request.url.path.startswith("/sts/"),
    )


def check_credentials(
    services: Services, key: str | None, authorization: str, *, tokens_allowed: bool = True
) -> None:
    """A valid key, or a valid bearer token where tokens are allowed; AuthError otherwise."""
    if key:
        if key_is_valid(services.database, key):
            return
        raise AuthError("the subscription key is not valid")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token and tokens_allowed:
        verify_token(services.secret, token.strip())
        return
    raise AuthError(f"access denied: provide the {KEY_HEADER} header or a bearer token")


def auth_middleware(
    services: Services,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path[len(request.scope.get("root_path", "")) :] or "/"
        if path not in OPEN_PATHS and not path.startswith(OPEN_PREFIXES):
            try:
                authenticate(services, request)
            except AuthError as error:
                return error_response(error)
        return await call_next(request)

    return middleware
