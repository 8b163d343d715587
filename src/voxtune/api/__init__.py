"""The HTTP adapter: FastAPI app over the service layer."""

from voxtune.api.app import create_app

__all__ = ["create_app"]
