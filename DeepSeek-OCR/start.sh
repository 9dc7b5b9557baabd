#!/usr/bin/env bash
# Runs DeepSeek-OCR as a local service, `obligations serve --service deepseek --port 8000`, from a
# virtual environment of its own (DeepSeek-OCR/.venv). The model's code needs the exact versions
# its model card pins (constraints.txt: torch 2.6.0, transformers 4.46.3, flash-attn 2.7.3), which
# the project's main environment cannot share. The first run installs them; later runs start at once.
#
#   DeepSeek-OCR/start.sh [more `obligations serve` options, e.g. --host 0.0.0.0 --api-key KEY]
#
# Variables: DEEPSEEK_TORCH_CUDA  torch's CUDA build: cu124 (default), cu126 or cu118
#            PYTHON               the interpreter for the environment (3.10-3.12; default: newest found)
#            MAX_JOBS             parallel compiler jobs if flash-attn must be built from source
#            HF_HOME              where the model is cached (default ~/.cache/huggingface)
#            DEEPSEEK_SKIP_GPU_CHECK=1  start even on a GPU the checks below reject
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
venv="$here/.venv"
stamp_file="$venv/.obligations-installed"
torch_cuda=${DEEPSEEK_TORCH_CUDA:-cu124}
VENV_GB=12  # torch with its CUDA libraries, flash-attn, transformers, pip's downloads
MODEL_GB=8  # DeepSeek-OCR's weights, about 6.7 GB, in the Hugging Face cache

fail() {
  echo "DeepSeek-OCR: $*" >&2
  exit 3
}

note() {
  echo "DeepSeek-OCR: $*" >&2
}

check_torch_cuda() {
  case "$torch_cuda" in
    cu118 | cu124 | cu126) ;;
    cu121) fail "torch 2.6.0 was not built for cu121 (its CUDA builds are cu118, cu124 and cu126): set DEEPSEEK_TORCH_CUDA=cu124" ;;
    *) fail "DEEPSEEK_TORCH_CUDA=$torch_cuda: choose cu124 (default), cu126 or cu118" ;;
  esac
}

# flash-attn 2 runs on compute capability 8.0 and newer (Ampere, Ada, Hopper); torch 2.6.0 has no
# kernels for Blackwell (10.x, 12.x: RTX 50), so those are refused too.
check_gpu() {
  command -v nvidia-smi >/dev/null 2>&1 \
    || fail "nvidia-smi not found: DeepSeek-OCR with flash-attn needs an NVIDIA GPU and its driver"
  [ "${DEEPSEEK_SKIP_GPU_CHECK:-0}" = 1 ] && return 0
  local capabilities
  capabilities=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null) \
    || fail "nvidia-smi cannot report the GPU's compute capability (no GPU visible, or a driver older than 510)"
  local capability major minor usable=0
  while read -r capability; do
    major=${capability%%.*}
    minor=${capability#*.}
    [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || continue
    if ((major >= 8 && major < 10)); then
      usable=1
    fi
  done <<<"$capabilities"
  if ((usable == 0)); then
    fail "no GPU here can run it (compute capability: $(echo "$capabilities" | paste -sd, -)):" \
      "flash-attn 2 needs 8.0 or newer (Ampere, Ada, Hopper), and the pinned torch 2.6.0 has no kernels" \
      "for Blackwell (10.x, 12.x); set DEEPSEEK_SKIP_GPU_CHECK=1 to try anyway"
  fi
}

pick_python() {
  local candidates=() candidate
  if [ -n "${PYTHON:-}" ]; then
    candidates=("$PYTHON")
  else
    candidates=(python3.12 python3.11 python3.10 python3)
  fi
  for candidate in "${candidates[@]}"; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))'; then
      echo "$candidate"
      return 0
    fi
  done
  fail "needs Python 3.10, 3.11 or 3.12 (torch 2.6.0 and the prebuilt flash-attn wheels);" \
    "install one (Ubuntu: apt-get install python3.12-venv) or point PYTHON at it"
}

# Free gigabytes on the filesystem that holds PATH (or its nearest existing parent).
free_gb() {
  local path=$1
  while [ ! -e "$path" ]; do
    path=$(dirname "$path")
  done
  df -Pk "$path" | awk 'NR == 2 { print int($4 / 1048576) }'
}

check_disk() {
  local venv_free model_free hub
  venv_free=$(free_gb "$here")
  ((venv_free >= VENV_GB)) \
    || fail "the environment needs about $VENV_GB GB free under $here; $venv_free GB are"
  hub=${HF_HUB_CACHE:-${HF_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/huggingface}/hub}
  if [ ! -d "$hub/models--deepseek-ai--DeepSeek-OCR" ]; then
    model_free=$(free_gb "$hub")
    ((model_free >= MODEL_GB)) \
      || note "warning: the model download needs about $MODEL_GB GB under $hub; $model_free GB are free"
  fi
}

# What the environment was installed from: a change to any of it reinstalls.
install_stamp() {
  cat "$here/constraints.txt" "$here/requirements.txt" "$root/pyproject.toml" | sha256sum | cut -d' ' -f1
  echo "$torch_cuda"
}

install_environment() {
  local python=$1
  local pip=("$venv/bin/python" -m pip)
  note "installing into $venv with $python ($("$python" --version 2>&1)), torch from the $torch_cuda index"
  # A venv left half-made (python without pip, e.g. when python3-venv was missing) is made anew.
  if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$venv"
    if ! "$python" -m venv "$venv"; then
      rm -rf "$venv"
      fail "could not create $venv (Debian/Ubuntu: apt-get install python3-venv, or python3.X-venv for $python)"
    fi
  fi
  "${pip[@]}" install --upgrade pip
  "${pip[@]}" install -c "$here/constraints.txt" torch torchvision \
    --index-url "https://download.pytorch.org/whl/$torch_cuda"
  "$here/install_flash_attn.sh" "$venv/bin/python"
  # The constraints keep pip from replacing the pinned torch and transformers; the project's
  # [gpu] extra is left out on purpose: it asks for a newer transformers than the model runs on.
  "${pip[@]}" install -c "$here/constraints.txt" -r "$here/requirements.txt"
  "${pip[@]}" install -c "$here/constraints.txt" -e "${root}[serve]"
  "$venv/bin/python" -c 'import sys, torch, flash_attn; sys.exit(not torch.cuda.is_available())' \
    || fail "torch $torch_cuda cannot use the GPU here; is the driver new enough for that CUDA version? (nvidia-smi shows the newest CUDA it supports)"
  install_stamp >"$stamp_file"
}

main() {
  check_torch_cuda
  check_gpu
  if [ ! -f "$stamp_file" ] || [ "$(install_stamp)" != "$(cat "$stamp_file")" ]; then
    local python
    python=$(pick_python)
    check_disk
    install_environment "$python"
  fi
  exec "$venv/bin/obligations" serve --service deepseek --port 8000 "$@"
}

main "$@"
