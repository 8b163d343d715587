"""The web portal: the fine-tuning flow in a browser, on the same service functions as the API.

`install(app)` adds its pages under /portal (and / leads there), its static files and its
error pages; the API's key check leaves these paths to the portal's own session check.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from voxtune.portal import (
    batch,
    catalog,
    data,
    deployments,
    projects,
    signin,
    status,
    testing,
    training,
)
from voxtune.portal.web import (
    PREFIX,
    CsrfRefused,
    SignInRequired,
    error_page,
    sign_in_redirect,
)

ROUTERS = (
    signin.router,
    projects.router,
    status.router,
    data.router,
    training.router,
    testing.router,
    deployments.router,
    catalog.router,
    batch.router,
)


def is_portal_path(path: str) -> bool:
    return path == "/" or path == PREFIX or path.startswith(PREFIX + "/")


def page_errors(request: Request, status_code: int, message: str) -> Response | None:
    """The API's error handlers call this: a page for the portal's paths, None otherwise."""
    if not is_portal_path(request.url.path):
        return None
    if request.headers.get("accept", "").startswith("application/json"):
        return None  # the pages' own status polling reads JSON errors
    return error_page(request, status_code, message)


def install(app: FastAPI) -> None:
    async def signin_required(_request: Request, error: Exception) -> Response:
        assert isinstance(error, SignInRequired)
        return sign_in_redirect(error.next_path)

    async def csrf_refused(request: Request, _error: Exception) -> Response:
        return error_page(
            request,
            403,
            "This form was not sent from the portal's own page (its security "
            "token is missing or wrong). Reload the page and try again.",
        )

    app.add_exception_handler(SignInRequired, signin_required)
    app.add_exception_handler(CsrfRefused, csrf_refused)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PREFIX + "/", status_code=307)

    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.mount(
        PREFIX + "/static",
        StaticFiles(directory=str(Path(__file__).parent / "static")),
        name="portal-static",
    )
