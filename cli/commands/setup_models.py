"""`plan-assistant setup-models`: assemble the embedded LLM into the shared models folder (once per machine)."""

from __future__ import annotations

from assistant.model_files import EMBEDDED_LLM, assemble_model
from core.settings import get_settings


def register(subparsers) -> None:
    parser = subparsers.add_parser("setup-models", help="Ghép và kiểm tra mô hình ngôn ngữ nhúng / assemble the embedded LLM")
    parser.set_defaults(handler=run)


def run(args) -> int:
    settings = get_settings()
    if settings.llm_backend != "llamacpp" or settings.llm_model_path:
        print("Mô hình do cấu hình chỉ định, không cần ghép / model configured explicitly, nothing to assemble.")
        return 0
    path, assembled = assemble_model(settings.models_dir / EMBEDDED_LLM.file_name)
    state = "đã ghép và kiểm tra SHA-256 / assembled and verified" if assembled else "đã có sẵn / already present"
    print(f"Mô hình / model: {path} ({state})")
    return 0
