"""The API's one mapping from errors to the spec's Error object."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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


def install_error_handlers(app: FastAPI) -> None:
    async def voxtune_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, VoxtuneError)
        return error_response(error)

    async def validation_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in error.errors()[:5]
        )
        in_body = any(e.get("loc", ("",))[0] == "body" for e in error.errors())
        inner = "InvalidRequestBodyFormat" if in_body else "InvalidParameterValue"
        return JSONResponse(error_body("InvalidArgument", problems, inner), status_code=400)

    async def http_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        code = _HTTP_CODES.get(error.status_code, "InvalidRequest")
        return JSONResponse(
            error_body(code, str(error.detail)),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    async def unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=error)
        return JSONResponse(error_body("InternalServerError", "unexpected error"), status_code=500)

    app.add_exception_handler(VoxtuneError, voxtune_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
