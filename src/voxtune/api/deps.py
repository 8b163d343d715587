"""What routes take from a request: the services, the links, the paging parameters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from voxtune.errors import InvalidInputError
from voxtune.service.context import Services
from voxtune.service.views import Links

API_VERSIONS = ("2025-10-15", "2024-11-15")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def api_version(version: Annotated[str, Query(alias="api-version")]) -> str:
    if version not in API_VERSIONS:
        raise InvalidInputError(
            f"unsupported api-version {version!r}; supported: {', '.join(API_VERSIONS)}"
        )
    return version


def get_links(
    request: Request,
    version: Annotated[str, Depends(api_version)],
    services: Annotated[Services, Depends(get_services)],
) -> Links:
    base = str(request.base_url).rstrip("/")
    return Links(base, version, services.secret, services.settings.signed_link_ttl_s)


ServicesDep = Annotated[Services, Depends(get_services)]
LinksDep = Annotated[Links, Depends(get_links)]
Skip = Annotated[int | None, Query(ge=0, le=2**31 - 1)]
Top = Annotated[int | None, Query(ge=1, le=100)]
Filter = Annotated[str | None, Query(max_length=2000)]


def created(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=201, headers={"Location": body["self"]})


def no_content() -> Response:
    return Response(status_code=204)
