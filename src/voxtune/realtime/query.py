"""The query parameters both real-time ways in share (short-audio REST and the Speech SDK
WebSocket): which model (`language` or `cid`), `format` and `profanity`."""

from __future__ import annotations

from voxtune.errors import InvalidInputError
from voxtune.service import endpoints, entities
from voxtune.service.context import Services
from voxtune.service.models import bundle_location
from voxtune.service.views import default_base_model_id
from voxtune.text.profanity import ProfanityMode

# Azure's real-time profanity values -> the display formatter's modes
PROFANITY: dict[str, ProfanityMode] = {"masked": "Masked", "removed": "Removed", "raw": "None"}


def model_location(services: Services, language: str | None, cid: str | None) -> str:
    """What load_bundle takes for the request's model: an endpoint's (404 for an unknown cid)
    or the default base model of `language` (400 for an unsupported one or neither given)."""
    if cid:
        model_id = endpoints.endpoint_model(services, cid)
    elif language:
        model_id = default_base_model_id(entities.check_locale(language))
    else:
        raise InvalidInputError("give the language (e.g. language=en-US) or an endpoint's cid")
    return bundle_location(services, model_id)


def output_options(output_format: str | None, profanity: str | None) -> tuple[bool, ProfanityMode]:
    """(detailed, profanity mode); 400 for a value outside Azure's."""
    fmt = (output_format or "simple").lower()
    if fmt not in ("simple", "detailed"):
        raise InvalidInputError(f"format must be simple or detailed, not {output_format!r}")
    mode = PROFANITY.get((profanity or "masked").lower())
    if mode is None:
        raise InvalidInputError(f"profanity must be masked, removed or raw, not {profanity!r}")
    return fmt == "detailed", mode
