"""What every portal page shares: templates, the signed-in session, CSRF, errors as pages.

The portal is an adapter like api/: its routes parse a form, call one service function and
render a template. Nothing here decides a rule the REST API does not decide the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from voxtune.errors import AuthError, VoxtuneError
from voxtune.portal.session import COOKIE, Session, decode_session
from voxtune.service.context import Services
from voxtune.service.security import key_id_is_active
from voxtune.service.views import Links

PREFIX = "/portal"
UPLOAD_CHUNK_BYTES = 1024 * 1024  # an uploaded file goes on to the blob store 1 MiB at a time
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class SignInRequired(Exception):
    """Raised by a page dependency: the handler answers with a redirect to sign-in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form came without the session's CSRF token."""


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def links_of(request: Request) -> Links:
    """The REST API's links, so pages show the same URLs a script would use."""
    services = services_of(request)
    base = str(request.base_url).rstrip("/")
    return Links(base, secret=services.secret, link_ttl_s=services.settings.signed_link_ttl_s)


def current_session(request: Request) -> Session:
    services = services_of(request)
    cookie = request.cookies.get(COOKIE)
    if cookie:
        try:
            session = decode_session(services.secret, cookie)
        except AuthError:
            session = None
        if session is not None and key_id_is_active(services.database, session.key_id):
            request.state.session = session
            return session
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise SignInRequired(target if request.method == "GET" else PREFIX + "/")


SessionDep = Annotated[Session, Depends(current_session)]
ServicesDep = Annotated[Services, Depends(services_of)]


async def checked_form(request: Request, session: SessionDep) -> AsyncIterator[Mapping[str, Any]]:
    """The posted form, refused unless it carries the session's CSRF token; its uploaded
    files (spooled temporary files) are closed once the page is done with them."""
    form = await request.form()
    try:
        token = form.get("csrf_token")
        secret = services_of(request).secret
        if not session.csrf_ok(secret, token if isinstance(token, str) else None):
            raise CsrfRefused()
        yield form
    finally:
        await form.close()


FormDep = Annotated[Mapping[str, Any], Depends(checked_form)]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    session: Session | None = getattr(request.state, "session", None)
    secret = services_of(request).secret
    context.setdefault("nav", "")
    return templates.TemplateResponse(
        request,
        template,
        {
            "signed_in": session is not None,
            "csrf_token": session.csrf_token(secret) if session is not None else "",
            "prefix": PREFIX,
            **context,
        },
        status_code=status_code,
    )


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def sign_in_redirect(next_path: str) -> RedirectResponse:
    return redirect(f"{PREFIX}/signin?next={quote(next_path, safe='')}")


def safe_next(path: str | None) -> str:
    """Only a path inside the portal: never an open redirect to another site."""
    if path and path.startswith(PREFIX + "/") and not path.startswith("//") and "\\" not in path:
        return path
    return PREFIX + "/"


def error_page(request: Request, status_code: int, message: str) -> Response:
    """An error in words, inside the portal's layout: never a stack trace or a blank page."""
    titles = {403: "Not allowed", 404: "Not found", 413: "Too large", 500: "Something went wrong"}
    title = titles.get(status_code, "That did not work")
    return render(request, "error.html", status_code, title=title, message=message)


def form_text(form: Mapping[str, Any], name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default


def _posted(form: Mapping[str, Any], name: str) -> list[Any]:
    """Every value posted under `name` (a checkbox group, a multiple file input)."""
    getlist = getattr(form, "getlist", None)
    return list(getlist(name)) if getlist is not None else [form.get(name)]


def form_values(form: Mapping[str, Any], name: str) -> list[str]:
    """Every value posted under `name` (checkboxes), stripped, empty ones dropped."""
    values = _posted(form, name)
    return [value.strip() for value in values if isinstance(value, str) and value.strip()]


def form_files(form: Mapping[str, Any], name: str) -> list[UploadFile]:
    """The files chosen in the file input `name`; a browser sends an empty, nameless part
    when none was chosen, which is no file."""
    values = _posted(form, name)
    return [value for value in values if isinstance(value, UploadFile) and value.filename]


def upload_chunks(upload: UploadFile) -> Iterator[bytes]:
    """An uploaded file's bytes, a chunk at a time (never all of it in memory)."""
    file = upload.file
    return iter(lambda: file.read(UPLOAD_CHUNK_BYTES), b"")


def problem_of(error: VoxtuneError | ValidationError) -> str:
    """An error of a form's input, in words for the page."""
    if isinstance(error, VoxtuneError):
        return error.message
    if not error.errors():
        return str(error)
    first = error.errors()[0]
    field = ".".join(str(p) for p in first["loc"])
    return f"{field}: {first['msg']}" if field else first["msg"]
