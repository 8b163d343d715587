"""ModelBundle: a model is a directory with manifest.json naming every file the decoder needs.

The bundled base model is not a directory we own (it lives inside the pocketsphinx wheel), so
`load_bundle("base")` builds its bundle in memory from the wheel's paths. A trained bundle holds
its own files (relative paths in the manifest) and records the sha256 of each, so a bundle that
was copied incompletely is refused instead of decoding with the wrong parameters.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voxtune.errors import ModelError

MANIFEST_NAME = "manifest.json"
BUNDLE_FORMAT_VERSION = 1
BASE_MODEL_NAME = "base"  # the pocketsphinx model's first name, an alias of it (engine/registry.py)
ENGINE_POCKETSPHINX = "pocketsphinx"
ENGINE_WHISPER = "whisper"
# Verified like every file, but left out of the bundle hash: it records timings, and the
# same inputs must give the same hash.
UNHASHED_FILES = frozenset({"training-report.json"})


@dataclass(frozen=True)
class ModelBundle:
    """Everything a decoder needs, with absolute paths resolved.

    `files` maps each engine's roles to paths: pocketsphinx has `acoustic_model`,
    `dictionary` and `language_model`; Whisper has `model` (a CTranslate2 directory).
    """

    name: str
    locale: str
    engine: str
    files: dict[str, Path]
    # Engine settings the model is served with (pocketsphinx config keys such as {"lw": 5},
    # or Whisper decoding options); empty for a base model.
    decoder_options: dict[str, Any] = field(default_factory=dict)
    formatting_rules_path: Path | None = None
    root: Path | None = None  # None for a bundled base model
    base: str = BASE_MODEL_NAME  # the base model it was trained from (itself for a base)
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_base(self) -> bool:
        return self.root is None

    @property
    def identity(self) -> str:
        """A stable id for caching decoders: the bundle directory, or the base model's
        location (its name, "name@locale" in a locale other than its first)."""
        if self.root is not None:
            return str(self.root)
        return str(self.manifest.get("location", self.name))

    def file(self, role: str) -> Path:
        try:
            return self.files[role]
        except KeyError:
            raise ModelError(f"model {self.name!r} ({self.engine}) has no {role} file") from None

    @property
    def acoustic_model_dir(self) -> Path:
        return self.file("acoustic_model")

    @property
    def dictionary_path(self) -> Path:
        return self.file("dictionary")

    @property
    def language_model_path(self) -> Path:
        return self.file("language_model")

    @property
    def model_dir(self) -> Path:
        return self.file("model")


def base_model_dir() -> Path:
    """Directory of the en-US model shipped inside the pocketsphinx wheel."""
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us"


def base_bundle(name: str = BASE_MODEL_NAME) -> ModelBundle:
    """A base model's bundle, built from the packages it lives in (see engine/registry.py)."""
    from voxtune.engine.registry import base_model

    return base_model(name).bundle()


def sphinx_base_bundle(name: str, locale: str) -> ModelBundle:
    model = base_model_dir()
    return ModelBundle(
        name=name,
        locale=locale,
        engine=ENGINE_POCKETSPHINX,
        files={
            "acoustic_model": model / "en-us",
            "dictionary": model / "cmudict-en-us.dict",
            "language_model": model / "en-us.lm.bin",
        },
        base=name,
        manifest={"name": name, "locale": locale, "engine": ENGINE_POCKETSPHINX},
    )


# Manifest keys of each engine's files (a trained bundle may leave one to its base model).
ENGINE_ROLES = {
    ENGINE_POCKETSPHINX: ("acoustic_model", "dictionary", "language_model"),
    ENGINE_WHISPER: ("model",),
}


def load_bundle(name_or_path: str | Path, *, verify: bool = True) -> ModelBundle:
    """A base model's name ("whisper-base", "whisper-base@de-DE" for another of its locales)
    or a bundle directory. ModelError when missing, incomplete or corrupt."""
    from voxtune.engine.registry import find_base_location, find_base_model

    if isinstance(name_or_path, str) and (known := find_base_location(name_or_path)) is not None:
        model, locale = known
        return model.bundle(locale)
    root = Path(name_or_path).resolve()
    manifest_path = root / MANIFEST_NAME
    if not manifest_path.is_file():
        raise ModelError(f"{root} is not a model bundle: it has no {MANIFEST_NAME}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{manifest_path} cannot be read: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ModelError(f"{manifest_path} is not a JSON object")
    if manifest.get("format_version") != BUNDLE_FORMAT_VERSION:
        raise ModelError(
            f"{manifest_path}: unsupported bundle format {manifest.get('format_version')!r}"
        )
    if verify:
        verify_files(root, manifest)
    engine = str(manifest.get("engine", ENGINE_POCKETSPHINX))
    if engine not in ENGINE_ROLES:
        raise ModelError(f"{manifest_path}: unknown engine {engine!r}")
    base_name = str(manifest.get("base", BASE_MODEL_NAME))
    from voxtune.engine.registry import engine_base_model

    known_base = find_base_model(base_name)
    if known_base is None or known_base.engine != engine:
        known_base = engine_base_model(engine)  # bundles of before the registry say "base"
    base = known_base.bundle() if known_base is not None else None
    try:
        files = {}
        for role in ENGINE_ROLES[engine]:
            default = base.files.get(role) if base is not None else None
            path = _member(root, manifest.get(role), default)
            if path is None:
                raise ModelError(f"{manifest_path}: no {role}, and no base model to take it from")
            files[role] = path
        return ModelBundle(
            name=str(manifest.get("name", root.name)),
            locale=str(manifest.get("locale", "en-US")),
            engine=engine,
            files=files,
            decoder_options=dict(manifest.get("decoder_options") or {}),
            formatting_rules_path=_member(root, manifest.get("formatting_rules"), None),
            root=root,
            base=base_name,
            manifest=manifest,
        )
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{manifest_path}: malformed manifest: {exc}") from exc


def _member(root: Path, relative: object, default: Path | None) -> Any:
    """A bundle-relative path; None in the manifest means 'the base model's file'."""
    if relative is None:
        return default
    if not isinstance(relative, str):
        raise ValueError(f"path {relative!r} is not a string")
    path = (root / relative).resolve()
    if root not in path.parents and path != root:
        raise ModelError(f"manifest path {relative!r} points outside the bundle")
    if not path.exists():
        raise ModelError(f"bundle file {relative!r} is missing")
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_tree(root: Path) -> dict[str, str]:
    """sha256 of every file below `root` except the manifest, keyed by posix relative path."""
    return {
        path.relative_to(root).as_posix(): file_sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }


def verify_files(root: Path, manifest: dict[str, Any]) -> None:
    expected = manifest.get("files")
    if not isinstance(expected, dict):
        raise ModelError(f"{root}/{MANIFEST_NAME} lists no files")
    for relative, digest in expected.items():
        path = root / relative
        if not path.is_file():
            raise ModelError(f"bundle {root} is incomplete: {relative} is missing")
        if file_sha256(path) != digest:
            raise ModelError(f"bundle {root} is corrupt: {relative} does not match its hash")


def bundle_hash(manifest: dict[str, Any]) -> str:
    """One hash for a whole bundle: over its file hashes (deterministic training -> same hash)."""
    files = manifest.get("files") or {}
    joined = "\n".join(
        f"{k} {v}" for k, v in sorted(files.items()) if k not in UNHASHED_FILES
    )
    return hashlib.sha256(joined.encode()).hexdigest()


def write_manifest(root: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Hash the files below `root` into the manifest and write it last (a bundle is complete
    exactly when its manifest exists)."""
    complete = {**manifest, "format_version": BUNDLE_FORMAT_VERSION, "files": hash_tree(root)}
    complete["bundle_hash"] = bundle_hash(complete)
    tmp = root / (MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps(complete, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(root / MANIFEST_NAME)
    return complete
