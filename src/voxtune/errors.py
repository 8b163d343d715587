"""The one error hierarchy of voxtune.

Every error knows how each adapter reports it: `code` is the Azure ErrorCode (top level),
`inner_code` the Azure DetailedErrorCode, `http_status` what the REST API answers and
`exit_code` what the CLI exits with. Adapters map errors in exactly one place each.

    VoxtuneError
    ├── InvalidInputError           bad request / user input (400, exit 2)
    │   ├── AudioError              audio that cannot be decoded or is unusable
    │   ├── DatasetError            a dataset that cannot be read at all (item problems: reports)
    │   ├── TextEncodingError       text that is not UTF-8
    │   └── FormattingRuleError     an OutputFormatting rule that does not parse
    ├── ModelError                  a model bundle missing, incomplete or corrupt (400, exit 3)
    ├── NotFoundError               an entity that does not exist (404, exit 4)
    ├── ConflictError               an entity in use, or in a state that forbids it (409, exit 5)
    ├── AuthError                   missing or wrong credentials (401, exit 6)
    └── EngineError                 the recognizer failed on valid input (500, exit 10)
        └── TrainingError           training could not produce a model (500, exit 11)
"""

from __future__ import annotations


class VoxtuneError(Exception):
    """Base of every error voxtune raises on purpose."""

    code: str = "InternalServerError"
    inner_code: str | None = None
    http_status: int = 500
    exit_code: int = 1

    def __init__(self, message: str, *, inner_code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if inner_code is not None:
            self.inner_code = inner_code

    def __str__(self) -> str:
        return self.message


class InvalidInputError(VoxtuneError):
    code = "InvalidArgument"
    inner_code = "InvalidParameterValue"
    http_status = 400
    exit_code = 2


class AudioError(InvalidInputError):
    """Audio that is empty, truncated, corrupt or in a format voxtune cannot decode."""

    inner_code = "InvalidPayload"


class DatasetError(InvalidInputError):
    """A dataset file that cannot be opened at all (not a zip, too large, a zip bomb)."""

    inner_code = "InvalidDataset"


class TextEncodingError(InvalidInputError):
    """Text that is not UTF-8 (with or without BOM)."""

    inner_code = "NoUtf8WithBom"


class FormattingRuleError(InvalidInputError):
    inner_code = "InvalidDocument"


class ModelError(VoxtuneError):
    """A model bundle that does not exist on disk, is incomplete, or does not load."""

    code = "InvalidArgument"
    inner_code = "InvalidModel"
    http_status = 400
    exit_code = 3


class NotFoundError(VoxtuneError):
    code = "NotFound"
    inner_code = None
    http_status = 404
    exit_code = 4


class ConflictError(VoxtuneError):
    code = "Conflict"
    inner_code = "InUseViolation"
    http_status = 409
    exit_code = 5


class AuthError(VoxtuneError):
    code = "Unauthorized"
    inner_code = None
    http_status = 401
    exit_code = 6


class EngineError(VoxtuneError):
    """The recognizer failed on input that was valid."""

    code = "InternalServerError"
    http_status = 500
    exit_code = 10


class TrainingError(EngineError):
    exit_code = 11


__all__ = [
    "AudioError",
    "AuthError",
    "ConflictError",
    "DatasetError",
    "EngineError",
    "FormattingRuleError",
    "InvalidInputError",
    "ModelError",
    "NotFoundError",
    "TextEncodingError",
    "TrainingError",
    "VoxtuneError",
]
