"""Real servers on loopback for the scale-out tests: a `chroma run` server, a llama.cpp OpenAI-compatible server
(xllamacpp's HTTP server in a child process, serving the same GGUF) and `plan-assistant serve`.

Each helper picks a free port, waits until the server answers, and on exit stops only the process it started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Runs in the child: load the GGUF into xllamacpp's server, which also listens for HTTP (OpenAI API) on the port.
_LLAMA_CHILD = """
import sys, time, xllamacpp
params = xllamacpp.CommonParams()
params.model.path = sys.argv[1]
params.hostnames = ["127.0.0.1"]
params.port = int(sys.argv[2])
params.n_ctx = int(sys.argv[3])
params.n_parallel = int(sys.argv[4])
params.cpuparams.n_threads = params.cpuparams_batch.n_threads = int(sys.argv[5])
params.model_alias = ["qwen2.5-1.5b-instruct"]
params.warmup = False
params.verbosity = -1
server = xllamacpp.Server(params)
print(server.listening_address, flush=True)
while True:
    time.sleep(3600)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float, ok=(200,)) -> None:
    """Poll `url` until it answers with a status in `ok`; fail early with the child's output if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {_output(process)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status in ok:
                    return
        except urllib.error.HTTPError as error:
            if error.code in ok:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s: {_output(process)}")


def _output(process: subprocess.Popen) -> str:
    log = getattr(process, "log_path", None)
    return Path(log).read_text(errors="replace")[-2000:] if log and Path(log).exists() else ""


def _start(command: list[str], log_path: Path, env: dict | None = None) -> subprocess.Popen:
    """Start a child in its own process group, output to a log file (a full pipe would block the server)."""
    handle = open(log_path, "wb")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT,
                               start_new_session=True)
    handle.close()
    process.log_path = log_path
    return process


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Stop the process group this helper started (the server and any children it spawned)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


@contextlib.contextmanager
def chroma_server(path: Path, timeout: float = 60) -> Iterator[str]:
    """A real `chroma run` on 127.0.0.1 persisting under `path`; yields its URL."""
    port = free_port()
    path.mkdir(parents=True, exist_ok=True)
    process = _start([str(VENV_BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1",
                      "--port", str(port)], path.parent / f"chroma-{port}.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/api/v2/heartbeat", process, timeout)
        yield url
    finally:
        stop(process)


@contextlib.contextmanager
def llama_server(model_path: Path, log_dir: Path, *, n_ctx: int = 2048, parallel: int = 2, threads: int = 2,
                 timeout: float = 180) -> Iterator[str]:
    """llama.cpp's OpenAI-compatible HTTP server (from xllamacpp) on 127.0.0.1 in a child process; yields `.../v1`."""
    port = free_port()
    process = _start([sys.executable, "-c", _LLAMA_CHILD, str(model_path), str(port), str(n_ctx), str(parallel),
                      str(threads)], log_dir / f"llama-{port}.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/health", process, timeout)
        yield f"{url}/v1"
    finally:
        stop(process)


def start_app(home: Path, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    """`plan-assistant serve` on 127.0.0.1:`port` with a temporary data directory, configured by PLAN_ASSISTANT_*."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAN_ASSISTANT_")}
    env.update({"PLAN_ASSISTANT_HOME": str(home), "PLAN_ASSISTANT_HOST": "127.0.0.1",
                "PLAN_ASSISTANT_PORT": str(port), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                "GRADIO_ANALYTICS_ENABLED": "False", **(extra_env or {})})
    return _start([str(VENV_BIN / "plan-assistant"), "serve"], home.parent / f"app-{port}.log", env)
