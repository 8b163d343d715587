"""`create_app(settings)`: the FastAPI app, its services, and (optionally) embedded workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from voxtune import __version__, portal
from voxtune.api import (
    copy_routes,
    model_routes,
    recognition_routes,
    resources,
    system_routes,
    transcribe_routes,
)
from voxtune.api.auth import auth_middleware
from voxtune.api.errors import install_error_handlers
from voxtune.jobs.worker import WorkerPool
from voxtune.service.context import open_services
from voxtune.service.runners import child_kinds_factory, job_kinds
from voxtune.service.transcribe_now import Transcriber
from voxtune.settings import Settings


def create_app(settings: Settings, *, workers: int | None = None) -> FastAPI:
    """The app; `workers` embedded job workers (default: settings.worker_count)."""
    services = open_services(settings)
    count = settings.worker_count if workers is None else workers
    pool = WorkerPool(
        services.queue,
        job_kinds(services),
        count,
        poll_s=settings.job_poll_s,
        child_kinds=child_kinds_factory(settings),
    )

    transcriber = Transcriber()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.stop()
            transcriber.close()
            services.close()

    app = FastAPI(
        title="voxtune Speech-to-text API",
        version=__version__,
        description="Azure Speech-to-text REST API (2025-10-15) compatible custom speech.",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.worker_pool = pool
    app.state.transcriber = transcriber
    app.state.realtime_slots = asyncio.Semaphore(settings.realtime_connections)
    install_error_handlers(app, portal.page_errors)
    app.middleware("http")(auth_middleware(services))
    app.include_router(system_routes.router)
    app.include_router(copy_routes.import_router)
    app.include_router(copy_routes.router)
    app.include_router(transcribe_routes.router)
    app.include_router(recognition_routes.router)
    app.include_router(resources.router)  # before model routes: /models/locales is no id
    app.include_router(model_routes.router)
    portal.install(app)
    return app
