"""The `obligations` command: parse, call, print. Exit codes live in errors.py."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import (
    EXIT_FILES_FAILED,
    EXIT_MISSING_DEPENDENCY,
    EXIT_OK,
    MissingDependency,
    ObligationsError,
)

EXIT_CODES_HELP = "Exit codes: 0 ok, 1 some files failed, 2 usage error, 3 missing dependency."


class _Group(click.Group):
    """Turns ObligationsError into its one-line message and exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ObligationsError as exc:
            click.echo(f"obligations: error: {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("obligations: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="obligations")
def main() -> None:
    """Documents (scans, photos, PDFs) in, validated per-field JSON out."""


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "-o", "out", default="output", show_default=True,
              help="Output directory, or - for standard output.")
@click.option("--ocr-service", default="auto", show_default=True,
              type=click.Choice(["auto", "text", "tesseract"]), help="Engine for pages without a text layer.")
@click.option("--doc-type", default="auto", show_default=True, help="auto, or a document type id to force.")
@click.option("--pages", "page_spec", default=None, help="Pages to process, e.g. 1-3,5.")
@click.option("--dpi", default=300, show_default=True, type=int, help="Rasterisation resolution for PDFs.")
@click.option("--jobs", "-j", default=None, type=click.IntRange(min=1), help="Worker processes [all cores].")
@click.option("--lang", default="rus+eng", show_default=True, help="Tesseract languages.")
@click.option("--format", "fmt", default="json", show_default=True, type=click.Choice(["json", "jsonl", "csv"]))
@click.option("--overlay", is_flag=True, help="Also write <stem>.pN.png with each field's box drawn.")
@click.option("--force-ocr", is_flag=True, help="OCR every page, even those with a text layer.")
@click.option("--skip-existing", is_flag=True, help="Skip inputs whose output file already exists.")
@click.option("--password", default=None, help="Password of encrypted PDFs.")
@click.option("--doctypes-dir", default=None, type=click.Path(path_type=Path),
              help="Extra document type files (*.toml).")
@click.option("--max-pixels", default=120_000_000, show_default=True, type=int, help="Largest image accepted.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-file summary.")
@click.option("--explain", is_flag=True, help="Say why each backend and document type was chosen.")
def run(paths, out, ocr_service, doc_type, page_spec, dpi, jobs, lang, fmt, overlay, force_ocr, skip_existing,
        password, doctypes_dir, max_pixels, quiet, explain) -> None:
    """Extract validated fields from PATHS (files or directories, walked recursively)."""
    from .pipeline import Pipeline, RunOptions
    from .results import BatchWriter
    from .sources import collect_inputs, parse_page_spec

    options = RunOptions(
        service=ocr_service, doc_type=doc_type, pages=parse_page_spec(page_spec), dpi=dpi,
        jobs=jobs or os.cpu_count() or 1, lang=lang, force_ocr=force_ocr, password=password,
        doctypes_dir=doctypes_dir, max_pixels=max_pixels,
    )
    pipeline = Pipeline(options)
    files = collect_inputs(list(paths))
    writer = BatchWriter(out, fmt, files, overlay=overlay, dpi=dpi)
    if explain:
        info = pipeline.backend_info()
        click.echo(f"backend: {info.service} ({info.model or 'no model'}) on {info.device}: {info.reason}", err=True)
    todo = [f for f in files if not (skip_existing and writer.exists(f))]
    for skipped in (f for f in files if f not in todo):
        if not quiet:
            click.echo(f"{skipped}: skipped, {writer.target(skipped)} exists", err=True)

    show_progress = not quiet and sys.stderr.isatty()
    progress = None
    if show_progress:
        from tqdm import tqdm

        progress = tqdm(total=pipeline.count_pages(todo), unit="page", file=sys.stderr, leave=False)
    failures = []
    started = time.perf_counter()
    for outcome in pipeline.run(todo, on_page=progress.update if progress else None):
        if outcome.error is not None:
            failures.append(outcome.error)
            _say(progress, f"{outcome.path}: FAILED: {outcome.error.message}")
            continue
        result = outcome.result
        written = writer.write(outcome.path, result, pipeline)
        if explain:
            for line in outcome.explain:
                _say(progress, f"{outcome.path}: {line}")
        if not quiet:
            found, valid, total = result.summary()
            pages = len(result.pages)
            rate = pages / result.timing_s["total"] if result.timing_s["total"] else 0.0
            kinds = ",".join(d.doc_type for d in result.documents) or "no document"
            _say(progress, f"{outcome.path}: {kinds}; {found}/{total} fields found, {valid} valid; "
                           f"{pages} page{'s' * (pages != 1)}, {rate:.2f} pages/s -> {written}")
    if progress is not None:
        progress.close()
    elapsed = time.perf_counter() - started
    if not quiet:
        click.echo(f"{len(todo) - len(failures)} of {len(todo)} files done in {elapsed:.1f} s; "
                   f"output: {writer.describe()}", err=True)
    if failures:
        click.echo(f"{len(failures)} file(s) failed:", err=True)
        for error in failures:
            click.echo(f"  {error.message}", err=True)
        if all(isinstance(e, MissingDependency) for e in failures):
            sys.exit(EXIT_MISSING_DEPENDENCY)
        sys.exit(EXIT_FILES_FAILED)
    sys.exit(EXIT_OK)


def _say(progress, message: str) -> None:
    if progress is not None:
        progress.write(message, file=sys.stderr)
    else:
        click.echo(message, err=True)


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--doc-type", required=True, type=click.Choice(["snils", "inn", "passport", "invoice", "receipt"]))
@click.option("--count", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path))
@click.option("--degrade", default="none", show_default=True, type=click.Choice(["none", "scan", "poor", "mixed"]))
@click.option("--format", "fmt", default="png", show_default=True,
              type=click.Choice(["png", "jpg", "pdf", "digital-pdf"]))
@click.option("--seed", default=0, show_default=True, type=int)
def synth(doc_type, count, out, degrade, fmt, seed) -> None:
    """Generate synthetic documents of non-existent people, with ground truth."""
    from .synth import generate

    written = generate(doc_type, count, out, degrade=degrade, fmt=fmt, seed=seed)
    click.echo(f"wrote {len(written)} {doc_type} documents to {out} (ground truth: *.json, annotation.csv)")
