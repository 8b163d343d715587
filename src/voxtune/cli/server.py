"""`voxtune serve`, `voxtune worker` and `voxtune keys`: run the service and manage its keys."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from voxtune.cli.errors import reports_errors


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8080, show_default=True)
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Embedded job workers (default: VOXTUNE_WORKER_COUNT, 1).")
@reports_errors
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Serve the Speech-to-text API (with embedded job workers)."""
    import uvicorn

    from voxtune.api import create_app
    from voxtune.service.context import open_services
    from voxtune.service.security import create_api_key
    from voxtune.settings import Settings

    settings = Settings()
    services = open_services(settings)
    key = create_api_key(services.database, "serve")
    services.close()
    click.echo(f"voxtune serving on http://{host}:{port} (data under {settings.resolved_home()})")
    click.echo(f"API key (Ocp-Apim-Subscription-Key): {key}")
    click.echo(f"portal: http://{host}:{port}/ (sign in with the API key)")
    uvicorn.run(create_app(settings, workers=workers), host=host, port=port, proxy_headers=True)


@click.command("worker")
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker threads in this process.")
@reports_errors
def worker_command(count: int) -> None:
    """Run job workers only (no HTTP); stop with Ctrl-C or SIGTERM."""
    from voxtune.jobs.worker import WorkerPool
    from voxtune.service.context import open_services
    from voxtune.service.runners import child_kinds_factory, job_kinds
    from voxtune.settings import Settings

    settings = Settings()
    services = open_services(settings)
    pool = WorkerPool(
        services.queue,
        job_kinds(services),
        count,
        poll_s=settings.job_poll_s,
        child_kinds=child_kinds_factory(settings),
    )
    stop = threading.Event()

    def on_signal(_number: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pool.start()
    click.echo(f"voxtune worker: {count} thread(s) on {settings.resolved_database_url()}")
    stop.wait()
    pool.stop()
    services.close()


@click.group("keys")
def keys_group() -> None:
    """Manage API keys."""


@keys_group.command("create")
@click.option("--name", default="", help="A label for the key.")
@reports_errors
def create_key_command(name: str) -> None:
    """Create an API key and print it (the last word of the last line)."""
    from voxtune.service.context import open_services
    from voxtune.service.security import create_api_key
    from voxtune.settings import Settings

    services = open_services(Settings())
    key = create_api_key(services.database, name)
    services.close()
    click.echo(f"API key: {key}")
