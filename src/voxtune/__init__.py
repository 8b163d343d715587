"""voxtune: self-hosted custom speech recognition, Azure Custom Speech compatible.

The core is a library: `load_audio`, `open_recognizer`, `score`; adapters (CLI, API) sit on it.
"""

from voxtune.errors import VoxtuneError

__version__ = "0.1.0"

__all__ = ["VoxtuneError", "__version__"]
