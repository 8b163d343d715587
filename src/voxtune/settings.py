"""The one settings object of the service (`VOXTUNE_*` environment variables).

Built by `create_app(settings)` and the CLI commands, never at import time. Paths left unset
are derived from `home`; the signing secret is generated on first use and persisted under home.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE_NAME = "signing-secret"
MEBIBYTE = 1024 * 1024


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VOXTUNE_", extra="ignore")

    home: Path = Path("var")  # everything voxtune keeps lives under here by default
    database_url: str | None = None  # default: sqlite:///{home}/voxtune.db
    blob_dir: Path | None = None  # default: {home}/blobs
    signing_secret: str | None = None  # default: generated into {home}/signing-secret
    allow_private_content_urls: bool = False  # fetch loopback/private/link-local URLs?
    worker_count: int = 1  # embedded job worker threads in `serve` (0: none)
    max_upload_bytes: int = 2048 * MEBIBYTE  # a dataset upload, all blocks together
    max_block_bytes: int = 8 * MEBIBYTE  # one uploaded block (Azure: 8 MiB)
    content_url_max_bytes: int = 2048 * MEBIBYTE  # a file fetched from a contentUrl
    content_url_timeout_s: float = 60.0  # whole fetch of one contentUrl
    content_url_max_redirects: int = 5
    signed_link_ttl_s: int = 12 * 3600  # contentUrl links (Azure's default SAS: 12 h)
    token_ttl_s: int = 600  # bearer tokens from /sts/v1.0/issueToken (10 min)
    job_lease_s: float = 30.0  # a job's lease; heartbeats renew it every third of this
    job_max_attempts: int = 3  # claims of one job before it fails for good
    job_poll_s: float = 0.5  # idle worker sleep between claim attempts
    copy_authorization_ttl_s: int = 24 * 3600  # models:authorizecopy validity (1 day)
    recognition_jobs: int = 1  # decoder processes per transcription/evaluation job
    # Speech SDK WebSocket connections at once; each has a decoder process (~150 MB)
    realtime_connections: int = 8

    def resolved_home(self) -> Path:
        home = self.home.expanduser().resolve()
        home.mkdir(parents=True, exist_ok=True)
        return home

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_home() / 'voxtune.db'}"

    def resolved_blob_dir(self) -> Path:
        path = (self.blob_dir or self.resolved_home() / "blobs").expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    def resolved_signing_secret(self) -> bytes:
        """The configured secret, else the one persisted under home (created on first use)."""
        if self.signing_secret:
            return self.signing_secret.encode()
        path = self.resolved_home() / SECRET_FILE_NAME
        if not path.exists():
            # Created beside, then linked into place: two processes starting at once agree.
            temp = path.with_name(f".{SECRET_FILE_NAME}.{secrets.token_hex(4)}")
            temp.write_text(secrets.token_hex(32), encoding="ascii")
            temp.chmod(0o600)
            with contextlib.suppress(FileExistsError):
                os.link(temp, path)
            temp.unlink()
        return path.read_text(encoding="ascii").strip().encode()
