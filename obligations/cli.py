"""The `obligations` command: parse, call, print. Exit codes live in errors.py."""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

import click

from . import __version__
from .backends import SERVICES
from .errors import (
    EXIT_FILES_FAILED,
    EXIT_INTERRUPTED,
    EXIT_MISSING_DEPENDENCY,
    EXIT_NOTHING_FOUND,
    EXIT_OK,
    EXIT_TERMINATED,
    InputError,
    MissingDependency,
    ObligationsError,
    Terminated,
    UsageError,
)

EXIT_CODES_HELP = ("Exit codes: 0 ok, 1 some inputs failed, 2 usage error, 3 missing dependency, "
                   "4 nothing found in any input, 130 interrupted (SIGINT), 143 terminated (SIGTERM).")


class _Group(click.Group):
    """Turns ObligationsError into its one-line message and exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Terminated:
            _ended_by_signal(ctx, signal.SIGTERM)
        except KeyboardInterrupt:
            _ended_by_signal(ctx, signal.SIGINT)
        except Exception as exc:
            if _signalled:
                # The signal's exception raised inside an import or a library's own handler,
                # which turned it into an error of its own ('numpy._core.multiarray failed to
                # import', Ctrl-C having come while numpy loaded): the run was still ended by it.
                _ended_by_signal(ctx, _signalled[0])
            if isinstance(exc, ObligationsError):
                click.echo(f"obligations: error: {exc.message}", err=True)
                ctx.exit(exc.exit_code)
            if isinstance(exc, OSError):  # a file or folder the system refused, met outside a run's own checks
                where = f"{exc.filename}: " if exc.filename else ""
                click.echo(f"obligations: error: {where}{exc.strerror or exc}", err=True)
                ctx.exit(EXIT_FILES_FAILED)
            raise


def _ended_by_signal(ctx, signum: int) -> None:
    if signum == signal.SIGTERM:
        click.echo("obligations: terminated; finished files are kept", err=True)
        ctx.exit(EXIT_TERMINATED)
    click.echo("obligations: interrupted; finished files are kept", err=True)
    ctx.exit(EXIT_INTERRUPTED)


_SLURM_OPTIONS = ("partition", "time", "gres", "account", "container")


def _slurm_options(command):
    """The sbatch options shared by `run` and `bench run`/`bench prompts`."""
    for name, help_text in reversed((
        ("partition", "Slurm partition."), ("time", "Slurm time limit per job, e.g. 2:00:00."),
        ("gres", "Slurm generic resources per job, e.g. gpu:1."), ("account", "Slurm account."),
        ("container", "Run each job in this Apptainer image."),
    )):
        command = click.option(f"--{name}", f"slurm_{name}", default=None, help=help_text)(command)
    return command


def _slurm_settings(params: dict):
    from .bench.executors import SlurmExecutor

    return SlurmExecutor(**{name: params.get(f"slurm_{name}") for name in _SLURM_OPTIONS})


@click.group(cls=_Group, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="obligations")
def main() -> None:
    """Documents (scans, photos, PDFs) in, validated per-field JSON out."""
    # SIGTERM (a scheduler's stop, `timeout`, `kill`) ends a run as Ctrl-C does: the workers
    # stopped, no temporary file left, every finished file kept.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)


_MAIN_PID = os.getpid()
_signalled: list[int] = []  # the signal that ended the run, once one has


def _interrupt(signum, frame):
    # A worker forked just as the signal came inherits it as pending, and would raise it in
    # the middle of its start (printing a traceback): the main process alone ends the run.
    if os.getpid() != _MAIN_PID:
        return
    _signalled.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--out", "-o", "out", default="output", show_default=True,
              help="Output directory, or - for standard output.")
@click.option("--ocr-service", default="auto", show_default=True, type=click.Choice(SERVICES),
              help="Engine for pages without a text layer (auto: remote server, else a GPU model that fits, "
                   "else Tesseract).")
@click.option("--doc-type", default="auto", show_default=True, help="auto, or a document type id to force.")
@click.option("--pages", "page_spec", default=None, help="Pages to process, e.g. 1-3,5.")
@click.option("--dpi", default=None, type=int,
              help="Rasterisation resolution for PDFs [default: a scanned page at its own, others at 300].")
@click.option("--jobs", "-j", default=None, type=click.IntRange(min=1), help="Worker processes [all cores].")
@click.option("--lang", default="rus+eng", show_default=True, help="Tesseract languages.")
@click.option("--format", "fmt", default="json", show_default=True, type=click.Choice(["json", "jsonl", "csv"]))
@click.option("--overlay", is_flag=True, help="Also write <stem>.pN.png with each field's box drawn.")
@click.option("--force-ocr", is_flag=True, help="OCR every page, even those with a text layer.")
@click.option("--verify-with", default=None, type=click.Choice(SERVICES),
              help="A second engine reads every page as it looks; fields gain votes, agreement and review.")
@click.option("--no-fallback", is_flag=True,
              help="Keep a text layer's values even where they fail their checks (no OCR of such pages).")
@click.option("--skip-existing", is_flag=True, help="Skip inputs whose output file already exists.")
@click.option("--force", is_flag=True, help="Replace files in the output folder that obligations did not write.")
@click.option("--mirror-root", "mirror_roots", multiple=True, hidden=True, type=click.Path(path_type=Path),
              help="A folder whose tree output names mirror (what a sharded run passes to its jobs).")
@click.option("--password", envvar="OBLIGATIONS_PDF_PASSWORD", default=None,
              help="Password of encrypted PDFs [OBLIGATIONS_PDF_PASSWORD: command lines are visible to ps].")
@click.option("--doctypes-dir", default=None, type=click.Path(path_type=Path),
              help="Extra document type files (*.toml).")
@click.option("--pixel-limit", default=120_000_000, show_default=True, type=click.IntRange(min=1),
              help="Largest input image accepted, in pixels.")
@click.option("--model", default=None, help="Model: a catalog id (see `obligations doctor`) or a Hugging Face repo.")
@click.option("--model-path", default=None, type=click.Path(path_type=Path, file_okay=False),
              help="Model weights already on disk.")
@click.option("--precision", default="auto", show_default=True,
              type=click.Choice(["auto", "bf16", "fp16", "fp32", "int8", "int4"]))
@click.option("--attn", default="auto", show_default=True,
              type=click.Choice(["auto", "flash_attention_2", "sdpa", "eager"]))
@click.option("--max-pixels", "vlm_max_pixels", default=None, type=click.IntRange(min=28 * 28),
              help="Largest image shown to a vision-language model [per document type].")
@click.option("--need-bbox", is_flag=True, help="auto: only models that give boxes.")
@click.option("--locate", is_flag=True, help="Also run Tesseract to give model answers their boxes.")
@click.option("--mode", default="per-field", show_default=True, type=click.Choice(["per-field", "json"]),
              help="Qwen models: one question per field (batched), or one JSON object.")
@click.option("--prompts", default=None, type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Prompt collection CSV (prompt;doc_class_question_type;cer).")
@click.option("--system-prompt", default=None, type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="System prompt file.")
@click.option("--remote-url", default=None, help="Server URL [QWEN_REMOTE_URL, or http://localhost:8001].")
@click.option("--remote-model", default=None, help="Model name on an OpenAI-compatible server.")
@click.option("--api-key", default=None, help="API key of the remote server [OBLIGATIONS_API_KEY / OPENAI_API_KEY].")
@click.option("--remote-concurrency", "--concurrency", "concurrency", default=4, show_default=True,
              type=click.IntRange(min=1),
              help="Requests in flight to a remote server (a vLLM server batches them; --concurrency is the old name).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-file summary.")
@click.option("--explain", is_flag=True, help="Say why each backend and document type was chosen.")
@click.option("--verbose", "-v", count=True, help="Log more (-v info, -vv debug) to standard error.")
@click.option("--log-level", default=None, type=click.Choice(["critical", "error", "warning", "info", "debug"]),
              help="Log level of the standard logging records [warning; -v info, -vv debug].")
@click.option("--executor", default=None, type=click.Choice(["local", "slurm"]),
              help="Split the files into --shards jobs run by this executor (slurm: a job array).")
@click.option("--shards", default=None, type=click.IntRange(min=1), help="Jobs to split the files into [1].")
@_slurm_options
@click.pass_context
def run(ctx, paths, out, ocr_service, doc_type, page_spec, dpi, jobs, lang, fmt, overlay, force_ocr, verify_with,
        no_fallback, skip_existing, force, mirror_roots, password, doctypes_dir, pixel_limit, model, model_path,
        precision, attn, vlm_max_pixels, need_bbox, locate, mode, prompts, system_prompt, remote_url, remote_model,
        api_key, concurrency, quiet, explain, verbose, log_level, executor, shards, **slurm) -> None:
    """Extract validated fields from PATHS (files or directories, walked recursively).

    Each input gives OUT/<name>.<format>: its path below the folder named (the tree mirrored),
    by stem, or by its whole name where its folder holds another input of the same stem."""
    from .pipeline import Pipeline, RunOptions
    from .results import BatchWriter, PartialPages
    from .sources import SUFFIXES, collect_inputs, parse_page_spec

    _setup_logging(log_level or ("debug" if verbose > 1 else "info" if verbose else "warning"))
    inputs = collect_inputs(list(paths), list(mirror_roots))
    if not inputs.files and not inputs.errors:
        raise UsageError(f"no input files in {', '.join(map(str, paths))} "
                         f"(looked for {' '.join(sorted(SUFFIXES))})")
    if executor is not None or shards is not None:
        from .bench.runner import forwarded_options, run_sharded

        from click.core import ParameterSource

        # -v is passed on as the level it stands for; a password from the environment stays
        # there (the jobs inherit it), off their command lines.
        hidden = ("password",) if ctx.get_parameter_source("password") == ParameterSource.ENVIRONMENT else ()
        passed_on = forwarded_options(ctx, ("out", "executor", "shards", "quiet", "mirror_roots", "verbose",
                                            "log_level", *hidden, *(f"slurm_{name}" for name in _SLURM_OPTIONS)))
        if log_level or verbose:
            passed_on += ["--log-level", log_level or ("debug" if verbose > 1 else "info")]
        passed_on += [arg for p in paths if p.is_dir() for arg in ("--mirror-root", str(p.resolve()))]
        _report_failures(inputs.errors)
        code = run_sharded(inputs.files, out, passed_on, shards or 1, executor or "local", _slurm_settings(slurm),
                           echo=lambda m: click.echo(m, err=True))
        sys.exit(max(code, EXIT_FILES_FAILED if inputs.errors else EXIT_OK))

    options = RunOptions(
        service=ocr_service, doc_type=doc_type, pages=parse_page_spec(page_spec), dpi=dpi,
        jobs=jobs or os.cpu_count() or 1, lang=lang, force_ocr=force_ocr, password=password,
        doctypes_dir=doctypes_dir, max_pixels=pixel_limit, model=model, model_path=model_path, precision=precision,
        attn=attn, vlm_max_pixels=vlm_max_pixels, need_bbox=need_bbox, locate=locate, mode=mode, prompts=prompts,
        system_prompt=system_prompt, remote_url=remote_url, remote_model=remote_model, api_key=api_key,
        concurrency=concurrency, fallback=not no_fallback,
    )
    pipeline = Pipeline(options)
    second = None
    if verify_with is not None:
        # The second engine reads every page as it looks (a text layer is what is checked),
        # and has no opinion of its own about which model to use beyond its service's default.
        second = Pipeline(replace(options, service=verify_with, force_ocr=verify_with != "text", fallback=False,
                                  model=None, model_path=None))
    files = inputs.files
    writer = BatchWriter(out, fmt, inputs, overlay=overlay, force=force)
    if explain:
        info = pipeline.backend_info()
        click.echo(f"backend: {info.service} ({info.model or 'no model'}) on {info.device}: {info.reason}", err=True)
    done = [f for f in files if skip_existing and writer.exists(f)]
    finished = set(done)
    todo = [f for f in files if f not in finished]
    writer.check(todo)
    partial = None if writer.to_stdout else PartialPages(writer, options.reading_fingerprint())
    for skipped in done:
        if not quiet:
            click.echo(f"{skipped}: skipped, {writer.target(skipped)} exists", err=True)
    for error in inputs.errors:
        click.echo(f"FAILED: {error.message}", err=True)

    show_progress = not quiet and sys.stderr.isatty()
    progress = None
    if show_progress:
        from tqdm import tqdm

        progress = tqdm(total=pipeline.count_pages(todo), unit="page", file=sys.stderr, leave=False)
    failures = list(inputs.errors)
    usable = to_review = 0
    started = time.perf_counter()
    try:
        outcomes = pipeline.run(todo, on_page=progress.update if progress else None, read_before=partial)
        if second is not None:
            from .verify import verified

            outcomes = verified(outcomes, second.run(todo))
        for outcome in outcomes:
            if outcome.error is not None:
                if partial is not None:
                    partial.drop(outcome.path)
                failures.append(outcome.error)
                if not isinstance(outcome.error, MissingDependency):  # said once, at the end
                    _say(progress, f"{outcome.path}: FAILED: {outcome.error.message}")
                continue
            result = outcome.result
            try:
                written = writer.write(outcome.path, result, pipeline)
            except OSError as exc:
                failures.append(InputError(f"{outcome.path}: cannot write its result ({exc.strerror or exc})"))
                _say(progress, f"{outcome.path}: FAILED: {failures[-1].message}")
                continue
            if partial is not None:
                partial.drop(outcome.path)  # the file is whole now
            for notice in outcome.notices:
                _say(progress, f"{outcome.path}: {notice}")
            if explain:
                for line in outcome.explain:
                    _say(progress, f"{outcome.path}: {line}")
            found, valid, total = result.summary()
            usable += found > 0
            to_review += (review := result.to_review())
            if not quiet:
                pages = len(result.pages)
                rate = pages / result.timing_s["total"] if result.timing_s["total"] else 0.0
                kinds = ",".join(d.doc_type for d in result.documents) or "no document"
                _say(progress, f"{outcome.path}: {kinds}; {found}/{total} fields found, {valid} valid"
                               f"{f', {review} to review' if review else ''}; "
                               f"{pages} page{'s' * (pages != 1)}, {rate:.2f} pages/s -> {written}")
    finally:
        writer.close()
        if progress is not None:
            progress.close()
    elapsed = time.perf_counter() - started
    processed = len(todo) - (len(failures) - len(inputs.errors))
    if not quiet:
        review_note = f", {to_review} field{'s' * (to_review != 1)} to review" if to_review else ""
        click.echo(f"{processed} of {len(todo)} files done in {elapsed:.1f} s{review_note}; output: {writer.describe()}",
                   err=True)
    if failures:
        _report_failures(failures)
        if all(isinstance(e, MissingDependency) for e in failures):
            sys.exit(EXIT_MISSING_DEPENDENCY)
        sys.exit(EXIT_FILES_FAILED)
    if todo and not usable:
        click.echo(f"obligations: nothing found: no field of any document in the {len(todo)} file(s) read "
                   "(see each file's warnings)", err=True)
        sys.exit(EXIT_NOTHING_FOUND)
    sys.exit(EXIT_OK)


def _setup_logging(level: str) -> None:
    """Records of the standard logging module (ours and the libraries') to standard error."""
    import logging

    logging.basicConfig(level=level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("obligations").setLevel(level.upper())


def _report_failures(failures: list) -> None:
    """The failed inputs, one line each; a missing dependency once, with how many files need it."""
    if not failures:
        return
    click.echo(f"{len(failures)} input(s) failed:", err=True)
    missing: dict[str, int] = {}
    for error in failures:
        if isinstance(error, MissingDependency):
            missing[error.reason] = missing.get(error.reason, 0) + 1
        else:
            click.echo(f"  {error.message}", err=True)
    for reason, count in missing.items():
        click.echo(f"obligations: error: {reason} ({count} file{'s' * (count != 1)} need{'s' * (count == 1)} it)",
                   err=True)


def _say(progress, message: str) -> None:
    if progress is not None:
        progress.write(message, file=sys.stderr)
    else:
        click.echo(message, err=True)


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--doc-type", required=True, type=click.Choice(["snils", "inn", "passport", "invoice", "receipt"]))
@click.option("--count", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path))
@click.option("--degrade", default="none", show_default=True, type=click.Choice(["none", "scan", "poor", "lowres", "speckle", "fax", "photo", "stamp", "mixed"]))
@click.option("--format", "fmt", default="png", show_default=True,
              type=click.Choice(["png", "jpg", "pdf", "digital-pdf"]))
@click.option("--seed", default=0, show_default=True, type=int)
def synth(doc_type, count, out, degrade, fmt, seed) -> None:
    """Generate synthetic documents of non-existent people, with ground truth."""
    from .synth import generate

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder")
    written = generate(doc_type, count, out, degrade=degrade, fmt=fmt, seed=seed)
    click.echo(f"wrote {len(written)} {doc_type} documents to {out} (ground truth: *.json, annotation.csv)")


def _server_options(command):
    """The options `serve` and `review` share."""
    for decorator in reversed((
        click.option("--service", default="auto", show_default=True, type=click.Choice(SERVICES),
                     help="Backend to serve (as --ocr-service of `run`)."),
        click.option("--model", default=None, help="Catalog id or Hugging Face repo."),
        click.option("--model-path", default=None, type=click.Path(path_type=Path, file_okay=False)),
        click.option("--precision", default="auto", show_default=True,
                     type=click.Choice(["auto", "bf16", "fp16", "fp32", "int8", "int4"])),
        click.option("--attn", default="auto", show_default=True,
                     type=click.Choice(["auto", "flash_attention_2", "sdpa", "eager"])),
        click.option("--lang", default="rus+eng", show_default=True, help="Tesseract languages."),
        click.option("--host", default="127.0.0.1", show_default=True),
        click.option("--api-key", envvar="OBLIGATIONS_API_KEY", default=None,
                     help="Require 'Authorization: Bearer KEY' [OBLIGATIONS_API_KEY]; needed off loopback."),
        click.option("--password", envvar="OBLIGATIONS_PDF_PASSWORD", default=None,
                     help="Password of encrypted PDFs [OBLIGATIONS_PDF_PASSWORD]."),
        click.option("--max-queue", default=64, show_default=True, type=click.IntRange(min=1),
                     help="Requests waiting beyond this get 503."),
        click.option("--max-batch", default=8, show_default=True, type=click.IntRange(min=1),
                     help="Chat requests batched into one generate call."),
        click.option("--max-body-mb", default=50, show_default=True, type=click.IntRange(min=1)),
        click.option("--workspace", default=None, type=click.Path(path_type=Path, file_okay=False),
                     help="Folder for files uploaded on the review page and their saved results "
                          "[a temporary folder, removed at exit]."),
        click.option("--log-level", default="info", show_default=True,
                     type=click.Choice(["critical", "error", "warning", "info", "debug"])),
        click.option("--access-log/--no-access-log", default=True, show_default=True,
                     help="One log line per request (with its request id)."),
        click.option("--root-path", default="", help="The path prefix a reverse proxy serves this under, e.g. /ocr."),
        click.option("--proxy-headers/--no-proxy-headers", default=True, show_default=True,
                     help="Trust X-Forwarded-For/-Proto from --forwarded-allow-ips."),
        click.option("--forwarded-allow-ips", default=None,
                     help="Proxies whose forwarded headers are trusted [FORWARDED_ALLOW_IPS, else 127.0.0.1]."),
    )):
        command = decorator(command)
    return command


def _start_server(params: dict, port: int, review_paths=(), on_ready=None) -> None:
    from .errors import UsageError
    from .pipeline import RunOptions

    try:
        import uvicorn  # noqa: F401
    except ImportError:
        raise MissingDependency("serve needs the server extra: pip install 'obligations[serve]'") from None
    from .server.app import ServerConfig, is_loopback
    from .server.launch import Listen, serve as serve_app

    host, api_key = params["host"], params["api_key"]
    if not is_loopback(host) and not api_key:
        raise UsageError(f"--host {host} is reachable from other machines: set --api-key or OBLIGATIONS_API_KEY")
    root_path = params["root_path"].rstrip("/")
    if root_path and not root_path.startswith("/"):
        raise UsageError(f"--root-path {root_path!r} must start with /")
    options = RunOptions(service=params["service"], model=params["model"], model_path=params["model_path"],
                         precision=params["precision"], attn=params["attn"], lang=params["lang"],
                         password=params["password"])
    config = ServerConfig(options, api_key=api_key, max_body_bytes=params["max_body_mb"] * 2**20,
                          max_queue=params["max_queue"], max_batch=params["max_batch"],
                          review_paths=list(review_paths), workspace=params["workspace"], root_path=root_path)
    listen = Listen(host, port, params["log_level"], params["access_log"], params["proxy_headers"],
                    params["forwarded_allow_ips"])
    try:
        serve_app(config, listen, on_ready)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@main.command(epilog=EXIT_CODES_HELP)
@_server_options
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--review", "review_paths", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="Results (folders or JSON files) the review page lists (again for more).")
def serve(port, review_paths, **params) -> None:
    """Serve a backend over HTTP: the review page at /, /docs, /health /info /ocr /extract
    /v1/chat/completions /metrics."""
    _start_server(params, port, review_paths)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@_server_options
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535), help="0: a free port.")
@click.option("--browser/--no-browser", default=True, show_default=True, help="Open the page in a browser.")
def review(paths, port, browser, **params) -> None:
    """Check and correct results on a page in the browser: those in PATHS (result folders or
    JSON files, e.g. output/), and files uploaded on the page (read by --service)."""

    def ready(url: str) -> None:
        # The key travels in the fragment, which browsers never send to a server or its logs.
        opened = url + (f"#key={params['api_key']}" if params["api_key"] else "")
        click.echo(f"review page: {url}", err=False)
        sys.stdout.flush()
        if browser:
            from .server.launch import open_browser

            open_browser(opened)

    _start_server(params, port, paths, ready)


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--wsl", is_flag=True, help="WSL2 + CUDA checks only.")
def doctor(as_json, wsl) -> None:
    """What this machine has (GPUs, drivers, torch kernels, flash-attn, bitsandbytes, WSL2, Docker,
    Tesseract) and which models fit at which precision. No GPU is a normal result."""
    from .doctor import doctor_text

    click.echo(doctor_text(as_json=as_json, wsl=wsl), nl=False)


# ---------------------------------------------------------------------- benchmark (issue D)

def _parse_gpus(text: str | None):
    if text is None:
        return None
    return [entry.strip() for entry in text.split(",") if entry.strip()]


@main.group(cls=_Group, epilog=EXIT_CODES_HELP)
def bench() -> None:
    """Benchmark readers on datasets (VLMHyperBench's config, answers and metrics files)."""


@bench.command("run", epilog=EXIT_CODES_HELP)
@click.argument("config", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--data", default=None, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder the config's dataset/prompt names are looked up in first [beside CONFIG].")
@click.option("--out", "out", default="bench-out", show_default=True, type=click.Path(path_type=Path),
              help="Benchmark folder: answers, metrics, report.")
@click.option("--gpus", default=None, help="GPUs to use, one task each, e.g. 0,1 [all visible].")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(min=1),
              help="Tasks at a time when there is no GPU.")
@click.option("--executor", default="local", show_default=True, type=click.Choice(["local", "slurm"]))
@click.option("--resume", is_flag=True, help="Skip tasks whose answers are complete; go on with partial ones.")
@_slurm_options
def bench_run(config, data, out, gpus, jobs, executor, resume, **slurm) -> None:
    """Run, score and report every task of CONFIG (a user_config CSV)."""
    from .bench.runner import run_benchmark

    result = run_benchmark(config, out, data=data, gpus=_parse_gpus(gpus), jobs=jobs, executor=executor,
                           resume=resume, slurm=_slurm_settings(slurm), echo=lambda m: click.echo(m, err=True))
    for task in result.tasks:
        click.echo(task.describe())
    if result.report_html is not None:
        click.echo(f"report: {result.report_html} (summary: {result.report_html.with_suffix('.md')})")
    sys.exit(EXIT_FILES_FAILED if result.failed else EXIT_OK)


@bench.command("task", hidden=True)
@click.argument("config", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--row", required=True, type=click.IntRange(min=0))
@click.option("--data", default=None, type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path))
@click.option("--resume", is_flag=True)
def bench_task(config, row, data, out, resume) -> None:
    """Run one task of CONFIG in this process (what `bench run` starts per task)."""
    from .bench.runner import run_task

    record = run_task(config, row, out, data=data, resume=resume)
    click.echo(f"{record['task']}: {record.get('documents', 0)} documents, {record.get('pages', 0)} pages")


@bench.command("report", epilog=EXIT_CODES_HELP)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True))
def bench_report(directory) -> None:
    """Rebuild report.html and report.md of a benchmark folder."""
    from .bench.runner import rebuild_report

    click.echo(f"report: {rebuild_report(directory)}")


@bench.command("prompts", epilog=EXIT_CODES_HELP)
@click.option("--data", required=True, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The dataset folder.")
@click.option("--collection", "collections", multiple=True, required=True,
              type=click.Path(path_type=Path, dir_okay=False, exists=True), help="A prompt collection (twice or more).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The collection of the best prompts to write.")
@click.option("--work", default=None, type=click.Path(path_type=Path, file_okay=False),
              help="Benchmark folder for the runs [<out>.bench].")
@click.option("--service", default="auto", show_default=True, type=click.Choice(SERVICES))
@click.option("--model", default=None, help="Catalog id or Hugging Face repo.")
@click.option("--model-path", default=None, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--precision", default="auto", show_default=True,
              type=click.Choice(["auto", "bf16", "fp16", "int8", "int4"]))
@click.option("--mode", default="per-field", show_default=True, type=click.Choice(["per-field", "json"]))
@click.option("--system-prompt", default=None, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--remote-url", default=None)
@click.option("--gpus", default=None, help="GPUs to use, one run each [all visible].")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--executor", default="local", show_default=True, type=click.Choice(["local", "slurm"]))
@_slurm_options
def bench_prompts(data, collections, out, work, service, model, model_path, precision, mode, system_prompt,
                  remote_url, gpus, jobs, executor, **slurm) -> None:
    """Compare prompt collections on one dataset; write the best prompt per field (lowest CER)."""
    from .bench.runner import compare_prompts

    written, tasks = compare_prompts(
        data, collections, out, work or out.with_suffix(".bench"), service=service,
        model=str(model_path.resolve()) if model_path else model, precision=precision, mode=mode,
        remote_url=remote_url, system_prompt=system_prompt, gpus=_parse_gpus(gpus), jobs=jobs, executor=executor,
        slurm=_slurm_settings(slurm), echo=lambda m: click.echo(m, err=True))
    for task in tasks:
        click.echo(task.describe())
    click.echo(f"best prompts: {written}")
    sys.exit(EXIT_FILES_FAILED if any(t.status == "failed" for t in tasks) else EXIT_OK)
