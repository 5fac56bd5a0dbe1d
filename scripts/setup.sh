#!/usr/bin/env bash
# Creates .venv, installs the project with pinned versions and the embedded models, assembles the LLM file once per
# machine (into ~/.cache/plan-assistant/models, or PLAN_ASSISTANT_MODELS_DIR).
# Usage: scripts/setup.sh [--test]   (--test also installs the test tools: Chromium, Playwright, poppler-utils)
# Always installs what reading real-world files needs at run time: Tesseract OCR with its Vietnamese data (scanned
# PDFs) and LibreOffice Writer (legacy .doc/.odt). Rebuilds the LLM runtime for this processor once per machine
# (scripts/build_native_llm.sh: about 7 minutes the first time; PLAN_ASSISTANT_NATIVE_LLM=0 keeps PyPI's build).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="embedded-llm"
need=""
command -v tesseract >/dev/null 2>&1 || need="$need tesseract-ocr"
tesseract --list-langs 2>/dev/null | grep -qx vie || need="$need tesseract-ocr-vie"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
if [ "${1:-}" = "--test" ]; then
  extras="embedded-llm,test"
  command -v chromium >/dev/null 2>&1 || need="$need chromium"
  command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
fi
if [ -n "$need" ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $need fonts-liberation2 fonts-dejavu-core >/dev/null
fi
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade "pip>=24" >/dev/null
.venv/bin/python -m pip install -q -c constraints.txt -e ".[$extras]"
.venv/bin/plan-assistant setup-models
scripts/build_native_llm.sh
