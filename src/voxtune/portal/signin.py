"""Sign-in with an API key (the keys `voxtune keys create` makes) and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from voxtune.portal.session import COOKIE, SESSION_TTL_S, encode_session, new_session
from voxtune.portal.web import PREFIX, FormDep, ServicesDep, redirect, render, safe_next
from voxtune.service.security import active_key_id

router = APIRouter(prefix=PREFIX)


@router.get("/signin")
def signin_page(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    return render(request, "signin.html", title="Sign in", next=safe_next(next), error="")


@router.post("/signin")
def signin(
    request: Request,
    services: ServicesDep,
    key: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    key_id = active_key_id(services.database, key.strip())
    if key_id is None:
        return render(
            request,
            "signin.html",
            401,
            title="Sign in",
            next=safe_next(next),
            error="That API key is not valid. Create one with: voxtune keys create",
        )
    response = redirect(safe_next(next))
    response.set_cookie(
        COOKIE,
        encode_session(services.secret, new_session(key_id)),
        max_age=SESSION_TTL_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/signout")
def signout(_form: FormDep) -> Response:
    response = redirect(f"{PREFIX}/signin")
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response
