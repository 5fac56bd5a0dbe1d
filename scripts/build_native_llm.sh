#!/usr/bin/env bash
# Rebuilds the embedded LLM runtime (xllamacpp, the version pinned in constraints.txt) from its PyPI source for this
# machine's processor and installs it into .venv. PyPI's wheel is built for AVX2 alone; on a processor with AVX-512
# or VNNI the native build reads a prompt about 1.4x faster (eval/results/README.md; `scripts/benchmark_qa.py` times it).
# The build takes about 7 minutes on 2 cores, once per machine: its wheel is kept under the processor's flags in
# ${XDG_CACHE_HOME:-~/.cache}/plan-assistant/wheels, so a later setup (a new .venv) installs it in seconds.
# PLAN_ASSISTANT_NATIVE_LLM=0 skips it. Any failure leaves PyPI's wheel in place, with a message: never fatal.
set -uo pipefail
cd "$(dirname "$0")/.."
[ "${PLAN_ASSISTANT_NATIVE_LLM:-1}" = 0 ] && exit 0
version=$(sed -n 's/^xllamacpp==//p' constraints.txt)
cpu_key=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | sha256sum | cut -c1-12)
wheels="${XDG_CACHE_HOME:-$HOME/.cache}/plan-assistant/wheels/xllamacpp-$version-$cpu_key"
marker=".venv/.xllamacpp-native-$version-$cpu_key"
[ -f "$marker" ] && exit 0
say() { echo "[build_native_llm] $*" >&2; }
if ! ls "$wheels"/xllamacpp-*.whl >/dev/null 2>&1; then
  tools=""
  command -v cmake >/dev/null 2>&1 || tools="$tools cmake"
  command -v g++ >/dev/null 2>&1 || tools="$tools g++ make"
  include=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
  [ -f "$include/Python.h" ] || tools="$tools python3-dev"  # Debian's Python ships its headers apart
  if [ -n "$tools" ]; then
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq \
        --no-install-recommends $tools >/dev/null; } || true
  fi
  say "Đang biên dịch bộ chạy mô hình ngôn ngữ cho bộ xử lý này (một lần, khoảng 7 phút) / building the LLM runtime for this processor once (about 7 min)…"
  build_dir=$(mktemp -d)
  # No grammar engine (a Rust build) and no TLS (the embedded server is never reached over HTTPS): both would be
  # fetched from outside the package registries; the package treats their libraries as optional.
  if CMAKE_ARGS="-DLLAMA_LLGUIDANCE=OFF -DLLAMA_BUILD_BORINGSSL=OFF -DLLAMA_OPENSSL=OFF" NPROC="$(nproc)" \
      .venv/bin/python -m pip wheel -q --no-deps --no-binary xllamacpp -w "$build_dir" "xllamacpp==$version" \
      >"$build_dir/build.log" 2>&1; then
    mkdir -p "$wheels" && mv "$build_dir"/xllamacpp-*.whl "$wheels"/
  else
    say "Không biên dịch được, dùng bản dựng sẵn (chậm hơn) / build failed, keeping PyPI's prebuilt wheel: $build_dir/build.log"
    exit 0
  fi
  rm -rf "$build_dir"
fi
# The build must answer: the assistant's own embedded chat model loads it and writes one token (a few seconds).
answers() {
  .venv/bin/python - <<'PY' >/dev/null 2>&1
from assistant.llm import make_chat_model
from core.settings import get_settings
make_chat_model(get_settings().model_copy(update={"llm_backend": "llamacpp"})).invoke("Xin chào", max_tokens=1)
PY
}
if .venv/bin/python -m pip install -q --force-reinstall --no-deps "$wheels"/xllamacpp-*.whl && answers; then
  touch "$marker"
else
  say "Bản biên dịch không chạy được, dùng lại bản dựng sẵn / the native build does not answer, reinstalling PyPI's wheel"
  .venv/bin/python -m pip install -q --force-reinstall --no-deps -c constraints.txt "xllamacpp==$version"
fi
