"""`obligations doctor`: what this machine can run, which model auto would pick, and what to fix.

`doctor_report` turns a `Hardware` description and the model catalog into a JSON-able dict;
`format_doctor` prints it as aligned tables, `format_wsl` as the WSL2 checklist of
scripts/check_wsl_cuda.py. No GPU is an ordinary answer: Tesseract on the CPU.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from .catalog import (
    BF16_CAPABILITY,
    MARGIN_FRACTION,
    MARGIN_GB,
    ModelEntry,
    environment_blockers,
    gpu_blocker,
    judge_all,
    load_catalog,
    select_local,
)
from .hardware import (
    WSL_LIBCUDA,
    Check,
    Hardware,
    cuda_driver_too_old,
    flash_attn_usable,
    probe,
    torch_install_hint,
    torch_supports,
)

NO_GPU = "No NVIDIA GPU found: Obligations will use Tesseract on the CPU"
VLLM_PORT = 8000


def doctor_report(hw: Hardware, catalog: dict[str, ModelEntry]) -> dict:
    selection, explanation = select_local(hw, catalog, service="auto")
    if selection is not None:
        auto = {"model": selection.entry.id, "repo": selection.entry.repo, "precision": selection.precision,
                "gpu_index": selection.gpu_index, "device": selection.device, "attn": selection.attn,
                "estimated_vram_gb": selection.estimated_vram_gb, "reason": selection.reason,
                "explanation": explanation}
    else:
        why = explanation[0] if len(explanation) == 1 else "no local model fits"
        auto = {"model": None, "repo": None, "precision": None, "gpu_index": None, "device": "cpu", "attn": None,
                "estimated_vram_gb": None, "reason": f"Tesseract on the CPU: {why}", "explanation": explanation}
    recommendation = []
    for verdict in judge_all(hw, catalog):
        entry = catalog[verdict.model]
        recommendation.append({**asdict(verdict), "repo": entry.repo, "kind": entry.kind, "boxes": entry.boxes,
                               "cyrillic": entry.cyrillic, "source": entry.provenance(verdict.precision)})
    return {
        "summary": _summary(hw, auto),
        "vllm": _vllm(hw, catalog),
        "hardware": hw.to_dict(),
        "gpus": [_gpu_findings(hw, gpu) for gpu in hw.gpus],
        "checks": [{"name": name, "ok": check.ok, "detail": check.detail} for name, check in _checks(hw)],
        "margin": f"{MARGIN_GB:.1f} GB + {MARGIN_FRACTION:.0%} of the estimate",
        "recommendation": recommendation,
        "auto": auto,
        "warnings": _warnings(hw),
    }


def _vllm(hw: Hardware, catalog: dict[str, ModelEntry]) -> dict:
    """The `vllm serve` command that fits this machine's card, and how to point Obligations at it."""
    from .backends.vllm import plan

    chosen, why = plan(hw, catalog)
    if chosen is None:
        return {"model": None, "command": None, "client": None, "why": why}
    return {"model": chosen.entry.id, "gpu_index": chosen.gpu.index, "utilisation": chosen.utilisation,
            "command": chosen.command, "why": why,
            "client": f"VLLM_URL=http://localhost:{VLLM_PORT}/v1 obligations run INPUT -o OUTPUT"}


def _summary(hw: Hardware, auto: dict) -> str:
    if not hw.gpus:
        return NO_GPU
    if auto["model"] is None:
        return "No local model can run on this GPU as installed: Obligations will use Tesseract on the CPU"
    return f"auto would run {auto['model']} at {auto['precision']} on {auto['device']}"


def _gpu_findings(hw: Hardware, gpu) -> dict:
    supported = torch_supports(hw, gpu)
    return {
        "index": gpu.index, "device": gpu.device, "uuid": gpu.uuid, "name": gpu.name,
        "architecture": gpu.architecture, "sm": gpu.sm,
        "compute_capability": gpu.capability, "vram_total_gb": gpu.vram_total_gb, "vram_free_gb": gpu.vram_free_gb,
        "torch_kernels": supported, "torch_install_hint": None if supported else torch_install_hint(gpu),
        "bf16": gpu.compute_capability >= BF16_CAPABILITY, "flash_attn": flash_attn_usable(hw, gpu),
    }


def _checks(hw: Hardware) -> list[tuple[str, Check]]:
    if hw.torch_version is None:
        torch = Check(False if hw.gpus else None, "not installed (pip install 'obligations[gpu]')")
    elif hw.torch_cuda_version is None:
        torch = Check(False if hw.gpus else None, f"{hw.torch_version}, a CPU-only build")
    else:
        kernels = " ".join(hw.torch_arch_list) or "not read (no GPU)"
        ok = all(torch_supports(hw, g) for g in hw.gpus) if hw.gpus else None
        torch = Check(ok, f"{hw.torch_version} (CUDA {hw.torch_cuda_version}; kernels {kernels})")
    if hw.transformers_version:
        transformers = Check(True, hw.transformers_version)
    else:
        transformers = Check(False if hw.gpus else None, "not installed (pip install 'obligations[gpu]')")
    if hw.wsl:
        wsl = Check(hw.wsl_libcuda, f"WSL2 ({hw.kernel_release}); {WSL_LIBCUDA} "
                                    + ("present" if hw.wsl_libcuda else "missing"))
    else:
        wsl = Check(None, "no (not running under WSL2)")
    return [("NVIDIA driver", hw.nvml), ("torch", torch), ("torch CUDA kernel", hw.torch_cuda),
            ("flash-attn", hw.flash_attn), ("bitsandbytes", hw.bitsandbytes), ("transformers", transformers),
            ("WSL2", wsl), ("Docker NVIDIA runtime", hw.docker_nvidia), ("Tesseract", hw.tesseract)]


def _warnings(hw: Hardware) -> list[str]:
    warnings = environment_blockers(hw) if hw.gpus else []
    for gpu in hw.gpus if not warnings else []:  # without torch, kernels for a card are beside the point
        blocker = gpu_blocker(hw, gpu)
        if blocker:
            warnings.append(blocker)
    too_old = cuda_driver_too_old(hw) if hw.gpus else None
    if too_old and too_old not in warnings:
        warnings.append(too_old)
    if hw.gpus and hw.torch_cuda.ok is False and not any("no kernel image" in w for w in warnings):
        warnings.append(f"torch cannot run a kernel: {hw.torch_cuda.detail}")
    if hw.gpus and hw.torch_version and not hw.bitsandbytes.ok:
        warnings.append(f"int8/int4 unavailable: {hw.bitsandbytes.detail} (pip install bitsandbytes)")
    if hw.wsl:
        warnings.extend(_wsl_hints(hw))
    if hw.tesseract.ok is False:
        warnings.append(f"Tesseract, the CPU fallback, is not usable: {hw.tesseract.detail}")
    return warnings


def _wsl_hints(hw: Hardware) -> list[str]:
    hints = ["WSL2: CUDA comes from the Windows NVIDIA driver through /usr/lib/wsl/lib; never install a Linux "
             "NVIDIA driver inside WSL (it hides that libcuda)"]
    if not hw.wsl_libcuda:
        hints.append(f"WSL2: {WSL_LIBCUDA} is missing: update the NVIDIA driver on Windows, then run "
                     "`wsl --update` and `wsl --shutdown` in PowerShell")
    if hw.gpus:
        hints.append("WSL2: Windows' desktop holds part of the GPU memory; the free figure above is what counts")
    if hw.ram_total_gb is not None and hw.ram_total_gb < 32:
        hints.append(f"WSL2: the VM has {hw.ram_total_gb:.0f} GB of memory and weights load through it; "
                     "raise memory= in %UserProfile%\\.wslconfig if loading a model fails")
    return hints


# ---------------------------------------------------------------------- text


def format_doctor(report: dict) -> str:
    lines = [report["summary"], ""]
    if report["gpus"]:
        rows = [["GPU", "torch", "Name", "Architecture", "CC", "VRAM free / total", "bf16", "torch kernels"]]
        for gpu in report["gpus"]:
            if gpu["torch_kernels"]:
                kernels = "yes"
            elif report["hardware"]["torch_cuda_version"] is None:
                kernels = "no CUDA torch"
            else:
                kernels = f"NO ({gpu['sm']} missing)"
            rows.append([str(gpu["index"]), gpu["device"] or "hidden", gpu["name"], gpu["architecture"],
                         gpu["compute_capability"],
                         f"{gpu['vram_free_gb']:.1f} / {gpu['vram_total_gb']:.1f} GB",
                         "yes" if gpu["bf16"] else "no", kernels])
        lines += _table(rows)
        if len(report["gpus"]) > 1 or report["hardware"]["cuda_visible_devices"] is not None:
            visible = report["hardware"]["cuda_visible_devices"]
            lines.append("GPU numbers are nvidia-smi's (PCI bus order); torch's cuda:N follow CUDA_DEVICE_ORDER="
                         "PCI_BUS_ID" + (f" and CUDA_VISIBLE_DEVICES={visible}" if visible is not None else ""))
        lines.append("")
    rows = [["Check", "Status", "Detail"]]
    rows += [[c["name"], _status(c["ok"]), c["detail"]] for c in report["checks"]]
    lines += _table(rows) + [""]
    if report["gpus"]:
        verdicts = report["recommendation"]
        reasons = {v["why"] for v in verdicts}
        if len(reasons) == 1 and not any(v["fits"] for v in verdicts):
            reason = reasons.pop()
            lines += [f"Models: none can run: {'see Warnings' if reason in report['warnings'] else reason}", ""]
        else:
            lines.append(f"Models (need = estimate + {report['margin']}; estimates, not yet measured here)")
            rows = [["Model", "Precision", "Need GB", "Free GB", "Fits", "Why not"]]
            for verdict in verdicts:
                rows.append([verdict["model"], verdict["precision"], _gb(verdict["need_gb"]), _gb(verdict["free_gb"]),
                             "yes" if verdict["fits"] else "no", "" if verdict["fits"] else _short_why(verdict)])
            lines += _table(rows) + [""]
        auto = report["auto"]
        passed = [line for line in auto["explanation"] if line not in report["warnings"]]
        if auto["model"]:
            lines.append(f"Auto choice: {auto['model']} at {auto['precision']} on {auto['device']} "
                         f"(attention {auto['attn']})")
            lines.append(f"  {auto['reason']}")
        else:
            lines.append("Auto choice: Tesseract on the CPU" + ("" if passed else " (see Warnings)"))
        if passed:
            lines.append("  Passed over:")
            lines += [f"    - {line}" for line in passed]
    vllm = report["vllm"]
    if report["gpus"]:
        lines += ["", f"vLLM (throughput; {vllm['why']}):"]
        if vllm["command"]:
            lines += [f"  {vllm['command']}", f"  then: {vllm['client']}"]
    if report["warnings"]:
        lines += ["", "Warnings:"] + [f"  - {warning}" for warning in report["warnings"]]
    return "\n".join(lines).rstrip() + "\n"


def format_wsl(report: dict) -> str:
    hw = Hardware.from_dict(report["hardware"])
    lines = [f"WSL2: {'detected' if hw.wsl else 'not detected'} (kernel {hw.kernel_release or '?'})"]
    lines.append(f"{WSL_LIBCUDA}: {'present' if hw.wsl_libcuda else 'missing'}")
    lines.append(f"nvidia-smi: {_status(hw.nvidia_smi.ok)} ({hw.nvidia_smi.detail})")
    if hw.driver_version:
        lines.append(f"NVIDIA driver: {hw.driver_version} (CUDA {hw.cuda_driver_version})")
    else:
        lines.append(f"NVIDIA driver: {hw.nvml.detail}")
    for gpu in report["gpus"]:
        lines.append(f"GPU {gpu['index']}: {gpu['name']} ({gpu['architecture']} {gpu['sm']}), "
                     f"{gpu['vram_free_gb']:.1f} of {gpu['vram_total_gb']:.1f} GB free")
    torch = f"torch {hw.torch_version}" if hw.torch_version else "torch not installed"
    lines.append(f"torch.cuda: {_status(hw.torch_cuda.ok)} ({torch}; {hw.torch_cuda.detail})")
    hints = []
    if not hw.wsl:
        hints.append("not running under WSL2: scripts/check_gpu.py reports on this machine")
    else:
        hints += _wsl_hints(hw)
        if hw.wsl_libcuda and hw.gpus and hw.torch_cuda.ok is False:
            hints.append("torch does not reach the GPU: check that LD_LIBRARY_PATH does not put another "
                         "libcuda.so before /usr/lib/wsl/lib")
        hints += [w for w in report["warnings"] if not w.startswith("WSL2:")]
    if hints:
        lines += ["", "Hints:"] + [f"  - {hint}" for hint in hints]
    return "\n".join(lines) + "\n"


def doctor_text(*, as_json: bool = False, wsl: bool = False, hw: Hardware | None = None,
                catalog: dict[str, ModelEntry] | None = None) -> str:
    """The whole command: probe (unless given), judge, format."""
    report = doctor_report(hw if hw is not None else probe(), catalog if catalog is not None else load_catalog())
    if as_json:
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    return format_wsl(report) if wsl else format_doctor(report)


def _status(ok: bool | None) -> str:
    return {True: "ok", False: "FAIL", None: "--"}[ok]


def _gb(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _short_why(verdict: dict) -> str:
    """The reason without the '<model> at <precision>: ' it starts with."""
    why = verdict["why"]
    for prefix in (f"{verdict['model']} at {verdict['precision']}: ", f"{verdict['model']}: "):
        if why.startswith(prefix):
            return why[len(prefix):]
    return why


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
