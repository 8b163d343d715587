"""The API's one mapping from errors to the spec's Error object."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from voxtune.errors import VoxtuneError

log = logging.getLogger(__name__)
_HTTP_CODES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "NotAllowed",
    413: "InvalidArgument",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
}


def error_body(code: str, message: str, inner_code: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {"code": code, "message": message}
    if inner_code:
        body["innerError"] = {"code": inner_code, "message": message}
    return body


def error_response(error: VoxtuneError) -> JSONResponse:
    return JSONResponse(
        error_body(error.code, error.message, error.inner_code), status_code=error.http_status
    )


# (request, HTTP status, message) -> an HTML page for the portal's paths, None for the API's
PageErrors = Callable[[Request, int, str], Response | None]


def install_error_handlers(app: FastAPI, pages: PageErrors | None = None) -> None:
    """The API's JSON errors; on the portal's paths `pages` answers with a page instead."""

    def page(request: Request, status: int, message: str) -> Response | None:
        return pages(request, status, message) if pages is not None else None

    async def voxtune_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, VoxtuneError)
        return page(request, error.http_status, error.message) or error_response(error)

    async def validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in error.errors()[:5]
        )
        shown = page(request, 400, f"the form is incomplete or not valid: {problems}")
        if shown is not None:
            return shown
        in_body = any(e.get("loc", ("",))[0] == "body" for e in error.errors())
        inner = "InvalidRequestBodyFormat" if in_body else "InvalidParameterValue"
        return JSONResponse(error_body("InvalidArgument", problems, inner), status_code=400)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        shown = page(request, error.status_code, str(error.detail))
        if shown is not None:
            return shown
        code = _HTTP_CODES.get(error.status_code, "InvalidRequest")
        return JSONResponse(
            error_body(code, str(error.detail)),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error", exc_info=error)
        shown = page(request, 500, "an unexpected error; it is in the server's log")
        if shown is not None:
            return shown
        return JSONResponse(error_body("InternalServerError", "unexpected error"), status_code=500)

    app.add_exception_handler(VoxtuneError, voxtune_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
