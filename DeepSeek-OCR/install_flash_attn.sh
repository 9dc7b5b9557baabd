#!/usr/bin/env bash
# Installs flash-attn, at the version constraints.txt pins, into the environment of PYTHON
# (whose torch must already be installed): the prebuilt wheel from the flash-attention GitHub
# release when one matches this torch, CUDA major version, C++ ABI and Python; otherwise a
# build from source, which needs nvcc and takes from tens of minutes to hours.
# Used by start.sh and by docker/Dockerfile.deepseek.
#
#   install_flash_attn.sh PYTHON        (MAX_JOBS=N limits parallel compiler jobs; default 4)
set -euo pipefail

python=${1:?usage: install_flash_attn.sh PYTHON}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(sed -n 's/^flash-attn==\([0-9][0-9.]*\).*/\1/p' "$here/constraints.txt")
if [ -z "$version" ]; then
  echo "install_flash_attn: constraints.txt pins no flash-attn version" >&2
  exit 3
fi

if "$python" -c "import sys, flash_attn; sys.exit(flash_attn.__version__ != sys.argv[1])" "$version" 2>/dev/null; then
  echo "install_flash_attn: flash-attn $version already installed"
  exit 0
fi

# The release names its wheels after the torch build they were compiled against.
wheel_url=$("$python" - "$version" <<'PY'
import platform
import sys

import torch

version = sys.argv[1]
if torch.version.cuda is None:
    sys.exit("install_flash_attn: this torch has no CUDA support; install a CUDA build of torch first")
cuda_major = torch.version.cuda.split(".")[0]
torch_minor = ".".join(torch.__version__.split("+")[0].split(".")[:2])
abi = "TRUE" if torch._C._GLIBCXX_USE_CXX11_ABI else "FALSE"
python_tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
wheel = (f"flash_attn-{version}+cu{cuda_major}torch{torch_minor}cxx11abi{abi}"
         f"-{python_tag}-{python_tag}-linux_{platform.machine()}.whl")
print(f"https://github.com/Dao-AILab/flash-attention/releases/download/v{version}/{wheel}")
PY
)

echo "install_flash_attn: trying the prebuilt wheel $wheel_url"
if "$python" -m pip install --no-deps "$wheel_url"; then
  exit 0
fi

cuda_home=${CUDA_HOME:-/usr/local/cuda}
if ! command -v nvcc >/dev/null 2>&1 && [ ! -x "$cuda_home/bin/nvcc" ]; then
  echo "install_flash_attn: no prebuilt flash-attn $version wheel matches this torch/CUDA/Python, and there is" \
       "no nvcc to build one; install the CUDA toolkit of torch's CUDA version (or use DEEPSEEK_TORCH_CUDA=cu124" \
       "with Python 3.10-3.12, for which prebuilt wheels exist)" >&2
  exit 3
fi
[ -n "${CUDA_HOME:-}" ] || export CUDA_HOME="$cuda_home"
echo "install_flash_attn: building flash-attn $version from source with ${MAX_JOBS:-4} parallel jobs;" \
     "this takes from tens of minutes to hours, and each job can use several GB of memory"
# --no-build-isolation: the build must see the torch installed here, not a fresh one from PyPI.
"$python" -m pip install packaging ninja psutil wheel setuptools
MAX_JOBS=${MAX_JOBS:-4} "$python" -m pip install --no-build-isolation --no-deps "flash-attn==$version"
