"""Running a benchmark: every config task read, answered, scored and reported.

`run_benchmark` is `obligations bench run`: it turns each task of a user config (config.py) into
a `Job` that runs `python -m obligations bench task` (`run_task`, one task in its own process,
so a crash or an out-of-memory costs that task only), hands the jobs to an executor (local
processes pinned one per GPU, or a Slurm job array), then scores every task that has answers
and builds the report. `compare_prompts` (`bench prompts`) runs one task per prompt collection
and keeps the best prompt per field. `run_sharded` splits `obligations run` over many files
into shards run by the same executors.

What a benchmark folder holds after a run:

    ModelsAnswers/<task>.csv          answers (metrics.write_answers), written when the task ends
    ModelsAnswers/<task>.partial.csv  answers so far, while the task runs (lets --resume go on)
    ModelsMetrics/<task>_<aggr>.csv   scores, one file per aggregator
    tasks/<task>.json                 how the task ran (format: report.py)
    logs/<task>.log                   the task process's output
    manifest.json                     tasks, status, job ids, nodes, seconds, executor
    report.html, report.md            report.build_report
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from ..errors import InputError, ObligationsError, UsageError
from .config import Task, load_config
from .dataset import Dataset, Sample, load_dataset
from .executors import Job, JobResult, LocalExecutor, SlurmExecutor, detect_gpus, split_into_shards
from .metrics import AGGREGATORS, AnswerRow, evaluate, metrics_path, read_answers, read_metrics, write_answers, write_metrics
from .report import METRICS_DIR, TASKS_DIR, build_report, percentile

ANSWERS_DIR = "ModelsAnswers"
LOGS_DIR = "logs"
MANIFEST = "manifest.json"
PARTIAL_SUFFIX = ".partial.csv"
# Services that read in this process (a model's weights): one page at a time, one process.
TEXT_SERVICES = ("text", "tesseract")
EXECUTORS = ("local", "slurm")
# The package's parent folder: children get it on PYTHONPATH, so `python -m obligations` finds
# this copy even where it is not installed (a checkout on a shared filesystem under Slurm).
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class TaskOutcome:
    """One task of a benchmark run, as the manifest records it."""

    name: str
    row: int
    status: str  # ok | failed | skipped (answers complete, --resume) | evaluated (only_evaluate_metrics)
    job: JobResult | None = None
    metrics_files: list[Path] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "row": self.row, "status": self.status,
                "job": self.job.to_dict() if self.job else None,
                "metrics": [p.name for p in self.metrics_files], "error": self.error}

    def describe(self) -> str:
        where = ""
        if self.job is not None:
            where = f" in {self.job.seconds:.1f}s" + (f" (Slurm job {self.job.job_id})" if self.job.job_id else "")
        if self.status == "failed":
            return f"{self.name}: FAILED{where}: {self.error}"
        if self.status == "skipped":
            return f"{self.name}: skipped, answers complete"
        return f"{self.name}: {self.status}{where}"


@dataclass
class BenchRun:
    out: Path
    tasks: list[TaskOutcome]
    report_html: Path | None

    @property
    def failed(self) -> list[TaskOutcome]:
        return [t for t in self.tasks if t.status == "failed"]


# --------------------------------------------------------------------------
# Tasks: names, files, datasets
# --------------------------------------------------------------------------


def task_names(tasks: Sequence[Task]) -> list[str]:
    """One file name per task: its answers stem, made unique when two tasks share it (the same
    model with two prompt collections) by the collection's name, then by a counter."""
    stems = [t.answers_stem for t in tasks]
    names = []
    for task, stem in zip(tasks, stems):
        if stems.count(stem) > 1 and task.prompt_collection:
            stem = f"{stem}_{Path(task.prompt_collection).stem}"
        names.append(stem)
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if names.count(name) == 1 or seen[name] == 1 else f"{name}_{seen[name]}")
    return unique


def answers_path(out: Path, name: str) -> Path:
    return Path(out) / ANSWERS_DIR / f"{name}.csv"


def _partial_path(out: Path, name: str) -> Path:
    return Path(out) / ANSWERS_DIR / f"{name}{PARTIAL_SUFFIX}"


@dataclass(frozen=True)
class TaskFiles:
    """The files a task names, found."""

    dataset: Path
    prompt_collection: Path | None
    system_prompt: Path | None


def task_files(task: Task, data: Path | None = None) -> TaskFiles:
    """The task's dataset, prompt collection and system prompt: looked up under `data` (a
    VLMHyperBench folder: Datasets/, PromptCollections/, SystemPrompts/) first, then beside
    the config file."""
    bases = [replace(task, config_dir=Path(data)), task] if data is not None else [task]

    def first(method: str):
        error = None
        for base in bases:
            try:
                return getattr(base, method)()
            except UsageError as exc:
                error = error or exc
        raise error

    return TaskFiles(first("find_dataset"), first("find_prompt_collection"), first("find_system_prompt"))


def task_dataset(task: Task, files: TaskFiles) -> Dataset:
    """The task's samples: its dataset with the config's filters applied."""
    dataset = load_dataset(files.dataset)
    if task.filter_doc_class or task.filter_question_type:
        dataset = dataset.filter(task.filter_doc_class, task.filter_question_type)
    if not dataset.samples:
        raise UsageError(f"config row {task.row}: no samples left in {dataset.root} after the filters")
    return dataset


def answers_complete(path: Path, dataset: Dataset) -> bool:
    """True when the answers file exists and answers every sample of the dataset."""
    if not Path(path).is_file():
        return False
    try:
        answered = {row.id for row in read_answers(path)}
    except UsageError:
        return False
    return all(sample.id in answered for sample in dataset.samples)


# --------------------------------------------------------------------------
# One task, in its own process (`obligations bench task`)
# --------------------------------------------------------------------------


def task_run_options(task: Task, files: TaskFiles, jobs: int = 1):
    """The pipeline options a task asks for (the doc type is set per image later). A model_name
    that is a folder is the model's weights; one that is the service's name, or any name for
    Tesseract, only labels the task."""
    from ..pipeline import RunOptions

    model, model_path = None, None
    name = task.model_name.strip()
    folder = Path(name).expanduser()
    if name and not folder.is_absolute() and task.config_dir is not None and (task.config_dir / folder).is_dir():
        folder = task.config_dir / folder  # relative to the config file, as its other names are
    if name and folder.is_dir():
        model_path = folder
    elif name and task.service not in TEXT_SERVICES and name.lower() != task.service.lower():
        model = name  # a catalog id or a Hugging Face repo; otherwise the name only labels the task
    if model is not None and name.startswith((".", "/", "~")):
        raise UsageError(f"config row {task.row}, column model_name: {name}: no such model folder")
    return RunOptions(
        service=task.service, model=model, model_path=model_path, jobs=jobs,
        precision=task.precision, mode=task.mode, prompts=files.prompt_collection,
        system_prompt=files.system_prompt, remote_url=task.remote_url,
    )


def run_task(config: Path, row: int, out: Path, data: Path | None = None, resume: bool = False,
             clock: Callable[[], float] = time.perf_counter) -> dict:
    """Runs task number `row` (0-based, file order) of `config`: answers written to
    ModelsAnswers, how it ran to tasks/<name>.json (also on failure, with the error, before the
    error is raised again). A task whose service read none of the documents it was given (every
    one an error, or pages without text: the text service on scans) fails, with why, rather than
    scoring empty answers. Returns the performance record."""
    tasks = load_config(config)
    if not 0 <= row < len(tasks):
        raise UsageError(f"config {config}: no task {row} (it has {len(tasks)})")
    name = task_names(tasks)[row]
    task = tasks[row]
    out = Path(out)
    record: dict = {"task": name, "service": task.service, "model": task.model_name or task.service,
                    "precision": None if task.service in TEXT_SERVICES else task.precision,
                    "mode": task.mode, "status": "ok", "error": None}
    try:
        record.update(_answer_task(task, task_files(task, data), name, out, resume, clock))
    except BaseException as exc:
        record["status"] = "failed"
        record["error"] = _one_line(exc)
        record["peak_rss_mb"] = _peak_rss_mb()
        _write_json(out / TASKS_DIR / f"{name}.json", record)
        raise
    _write_json(out / TASKS_DIR / f"{name}.json", record)
    return record


def _answer_task(task: Task, files: TaskFiles, name: str, out: Path, resume: bool, clock) -> dict:
    from ..pipeline import Pipeline

    dataset = task_dataset(task, files)
    partial = _partial_path(out, name)
    answers: dict[int, AnswerRow] = {}
    if resume and partial.is_file():
        answers = {row.id: row for row in read_answers(partial)}
    options = task_run_options(task, files)
    started = clock()
    base = Pipeline(options)
    load_s = clock() - started
    pipelines: dict[str | None, Pipeline] = {}

    def pipeline_for(doc_type: str | None) -> Pipeline:
        if doc_type not in pipelines:
            forced = replace(options, doc_type=doc_type or "auto")
            pipelines[doc_type] = Pipeline(forced, backend=(base.backend, base.reason))
        return pipelines[doc_type]

    latencies, per_document, pages, model_load, peak_vram = [], [], 0, None, None
    unread: list[str] = []  # why, for each document of this run the service read nothing of
    tried = 0
    for image, samples in dataset.images().items():
        if all(s.id in answers for s in samples):
            continue
        doc_type = samples[0].doc_type
        pipeline = pipeline_for(doc_type)
        tried += 1
        begun = clock()
        try:
            result = pipeline.process(image)
        except ObligationsError as exc:
            # One unreadable image costs its answers (scored as empty), not the task.
            print(exc.message if exc.message.startswith(str(image)) else f"{image}: {exc.message}", file=sys.stderr)
            unread.append(_unread_reason(exc.message, image))
            for sample in samples:
                answers[sample.id] = AnswerRow(sample.id, "")
            continue
        if result.pages and all(page.text_source == "none" for page in result.pages):
            unread.append(NO_TEXT_LAYER)  # a scanned PDF under the text service: read, but nothing in it
        timing = result.timing_s
        # Data loading (reading and decoding the file) is not the model's time.
        seconds = max(0.0, clock() - begun - float(timing.get("load", 0.0)))
        per_document.append(seconds)
        pages += len(result.pages)
        for page in timing.get("per_page", []):
            latencies.append(float(page.get("vlm", page.get("ocr", 0.0))))
        model_load = timing.get("model_load", model_load)
        peak_vram = timing.get("peak_vram_gb", peak_vram)
        for row in _answer_rows(samples, result, seconds):
            answers[row.id] = row
        write_answers(partial, _in_order(dataset, answers))
    if tried and len(unread) == tried:
        # Answers scored as empty everywhere would read as a result (CER 1.0); the service did not work.
        partial.unlink(missing_ok=True)
        raise InputError(nothing_read_message(task.service, unread, tried))
    write_answers(answers_path(out, name), _in_order(dataset, answers))
    partial.unlink(missing_ok=True)
    return {
        "load_s": round(float(model_load if model_load else load_s), 4),
        "latency_s": [round(v, 4) for v in latencies],
        "per_document_s": [round(v, 4) for v in per_document],
        "pages_per_s": round(pages / sum(per_document), 4) if sum(per_document) > 0 else None,
        "peak_vram_gb": peak_vram if peak_vram is not None else _torch_peak_vram_gb(),
        "peak_rss_mb": _peak_rss_mb(),
        "latency_p50_s": _rounded(percentile(latencies, 50)),
        "latency_p95_s": _rounded(percentile(latencies, 95)),
        "per_document_p50_s": _rounded(percentile(per_document, 50)),
        "per_document_p95_s": _rounded(percentile(per_document, 95)),
        "documents": len(per_document),
        "pages": pages,
        "unread_documents": len(unread),  # documents the service read nothing of (an error, no text layer)
    }


NO_TEXT_LAYER = "no text layer"


def _unread_reason(message: str, image: Path) -> str:
    """Why one document could not be read, in words shared by every document of the same cause."""
    if "no text layer" in message:
        return NO_TEXT_LAYER
    for prefix in (f"{image}: ", f"{Path(image).name}: "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return " ".join(message.split())


def nothing_read_message(service: str, reasons: Sequence[str], documents: int) -> str:
    """`the text service read nothing: no text layer in 3 of 3 documents`, the commonest cause first."""
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    causes = sorted(counts.items(), key=lambda item: -item[1])
    return f"the {service} service read nothing: " + "; ".join(
        f"{reason} in {count} of {documents} document{'s' if documents != 1 else ''}" for reason, count in causes)


def _answer_rows(samples: Sequence[Sample], result, seconds: float) -> list[AnswerRow]:
    """The result's fields as answers to the image's questions (joined on our field ids)."""
    documents = result.documents
    rows = []
    for sample in samples:
        document = next((d for d in documents if d.doc_type == sample.doc_type), documents[0] if documents else None)
        found = document.fields.get(sample.field_id) if document is not None and sample.field_id else None
        if found is None or (found.raw is None and found.value is None):
            rows.append(AnswerRow(sample.id, "", None, None, round(seconds, 4)))
            continue
        raw = found.raw if found.raw is not None else found.value
        rows.append(AnswerRow(
            sample.id, raw or "", found.value, found.valid if found.value else None, round(seconds, 4),
            found.page, tuple(found.bbox) if found.bbox else None,
        ))
    return rows


def _in_order(dataset: Dataset, answers: dict[int, AnswerRow]) -> list[AnswerRow]:
    return [answers[s.id] for s in dataset.samples if s.id in answers]


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _torch_peak_vram_gb() -> float | None:
    torch = sys.modules.get("torch")  # only when a model backend brought it in
    if torch is None or not torch.cuda.is_available():
        return None
    return round(torch.cuda.max_memory_allocated() / 2**30, 3)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _one_line(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(message).split())


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# A whole benchmark (`obligations bench run`)
# --------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": str(PACKAGE_ROOT) + (os.pathsep + path if path else "")}


def _executor(kind: str, gpus: Sequence[str] | None, jobs: int, slurm: SlurmExecutor | None):
    if kind not in EXECUTORS:
        raise UsageError(f"--executor {kind}: choose {' or '.join(EXECUTORS)}")
    if kind == "slurm":
        return replace(slurm or SlurmExecutor(), job_name="obligations-bench")
    return LocalExecutor(detect_gpus() if gpus is None else list(gpus), jobs=jobs)


def _run_jobs(executor, jobs: list[Job], array_dir: Path, on_done) -> list[JobResult]:
    if not jobs:
        return []
    if isinstance(executor, SlurmExecutor):
        return executor.run(jobs, array_dir, on_done=on_done)
    return executor.run(jobs, on_done=on_done)


def run_benchmark(config: Path, out: Path, data: Path | None = None, gpus: Sequence[str] | None = None,
                  jobs: int = 1, executor: str = "local", resume: bool = False,
                  slurm: SlurmExecutor | None = None, echo: Callable[[str], None] = print) -> BenchRun:
    """Runs, scores and reports every task of `config` into `out` (layout: module docstring).
    `gpus` None: the GPUs this machine has. A task that fails is reported; the others go on."""
    config, out = Path(config).resolve(), Path(out).resolve()
    tasks = load_config(config)
    names = task_names(tasks)
    data = Path(data).resolve() if data else None
    # A missing file or an empty dataset is a usage error before any work starts.
    datasets = [task_dataset(t, task_files(t, data)) for t in tasks]
    runner = _executor(executor, gpus, jobs, slurm)
    outcomes: list[TaskOutcome] = []
    to_run: list[tuple[int, Job]] = []
    for index, (task, name, dataset) in enumerate(zip(tasks, names, datasets)):
        if task.only_evaluate_metrics:
            if not answers_path(out, name).is_file():
                outcomes.append(TaskOutcome(name, task.row, "failed",
                                            error=f"only_evaluate_metrics: no answers file {answers_path(out, name)}"))
            else:
                outcomes.append(TaskOutcome(name, task.row, "evaluated"))
            continue
        if resume and answers_complete(answers_path(out, name), dataset):
            outcomes.append(TaskOutcome(name, task.row, "skipped"))
            continue
        argv = [sys.executable, "-m", "obligations", "bench", "task", str(config), "--row", str(index),
                "--out", str(out)]
        if data:
            argv += ["--data", str(Path(data).resolve())]
        if resume:
            argv.append("--resume")
        # An earlier run's answers and scores must not pass for this run's.
        answers_path(out, name).unlink(missing_ok=True)
        for aggregator in AGGREGATORS:
            metrics_path(out / METRICS_DIR, name, aggregator).unlink(missing_ok=True)
        outcome = TaskOutcome(name, task.row, "ok")
        outcomes.append(outcome)
        to_run.append((len(outcomes) - 1, Job(name, argv, Path.cwd(), out / LOGS_DIR / f"{name}.log",
                                              _child_env())))
    started = time.time()

    def done(result: JobResult) -> None:
        echo(f"  {result.describe()}")

    results = _run_jobs(runner, [job for _, job in to_run], out / "slurm", done)
    for (position, job), result in zip(to_run, results):
        outcome = outcomes[position]
        outcome.job = result
        if not result.ok:
            outcome.status = "failed"
            outcome.error = _failure_reason(out, job.name, result)
            _mark_failed(out, job.name, outcome.error)
        elif not answers_path(out, job.name).is_file():
            outcome.status, outcome.error = "failed", "the task ended without writing its answers"
    for outcome, task, dataset in zip(outcomes, tasks, datasets):
        if outcome.status == "failed" or not answers_path(out, outcome.name).is_file():
            continue
        tables = evaluate(dataset.samples, read_answers(answers_path(out, outcome.name)),
                          task.metrics_aggregators, task.metrics, dataset.doctypes)
        outcome.metrics_files = write_metrics(out / METRICS_DIR, outcome.name, tables)
    _write_json(out / MANIFEST, {
        "config": str(config), "data": str(data) if data else None, "executor": executor,
        "slurm_arrays": list(getattr(runner, "submitted", [])), "started": started, "finished": time.time(),
        "tasks": [o.to_dict() for o in outcomes],
    })
    report = None
    if any(o.metrics_files for o in outcomes) or (out / TASKS_DIR).is_dir():
        report = out / "report.html"
        build_report(out, report, out / "report.md")
    return BenchRun(out, outcomes, report)


def _failure_reason(out: Path, name: str, result: JobResult) -> str:
    """The task's own error when it wrote one, else the last line of its log."""
    try:
        recorded = json.loads((out / TASKS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        if recorded.get("status") == "failed" and recorded.get("error"):
            return recorded["error"]
    except (OSError, ValueError):
        pass
    lines = [line for line in result.tail.splitlines() if line.strip()]
    ended = "did not run to the end" if result.returncode is None else f"exit code {result.returncode}"
    return f"{ended}: {lines[-1].strip()}" if lines else ended


def _mark_failed(out: Path, name: str, error: str) -> None:
    """A task that died before it could say so still shows as failed in the report."""
    path = out / TASKS_DIR / f"{name}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {"task": name}
    if record.get("status") != "failed":
        record.update(status="failed", error=error)
        _write_json(path, record)


def rebuild_report(bench_dir: Path) -> Path:
    """`obligations bench report DIR`: report.html and report.md from what DIR holds."""
    bench_dir = Path(bench_dir)
    build_report(bench_dir, bench_dir / "report.html", bench_dir / "report.md")
    return bench_dir / "report.html"


# --------------------------------------------------------------------------
# Prompt collections compared (`obligations bench prompts`)
# --------------------------------------------------------------------------


CONFIG_HEADER = ("dataset", "task", "framework", "model_name", "system_prompt", "prompt_collection", "metrics",
                 "only_evaluate_metrics", "metrics_aggregators", "filter_doc_class", "filter_question_type",
                 "service", "precision", "mode", "remote_url")


def compare_prompts(data: Path, collections: Sequence[Path], best_out: Path, work: Path, service: str = "auto",
                    model: str | None = None, precision: str = "auto", mode: str = "per-field",
                    remote_url: str | None = None, system_prompt: Path | None = None, **bench) -> tuple[Path, list]:
    """Runs one task per prompt collection over dataset `data`, then writes to `best_out` the
    prompt with the lowest CER (micro, raw answers) for every field, that CER in its `cer`
    column. A collection without a prompt for a field does not compete for it. Returns the
    collection written and the benchmark's task outcomes."""
    import csv

    from ..prompts import PromptCollection, PromptEntry

    if len(collections) < 2:
        raise UsageError("bench prompts: give at least two --collection files to compare")
    collections = [Path(c).resolve() for c in collections]
    for path in collections:
        if not path.is_file():
            raise UsageError(f"--collection {path}: no such file")
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    config = work / "prompts_config.csv"
    with open(config, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(CONFIG_HEADER)
        for path in collections:
            writer.writerow([str(Path(data).resolve()), "VQA", service, model or "",
                             str(Path(system_prompt).resolve()) if system_prompt else "", str(path),
                             "['CER']", "False", "['by_doc_question']", "", "", service, precision, mode,
                             remote_url or ""])
    result = run_benchmark(config, work, **bench)
    loaded = [PromptCollection.load(path) for path in collections]
    dataset = load_dataset(data)
    best: dict[tuple, tuple[float, str]] = {}
    for outcome, collection in zip(result.tasks, loaded):
        if outcome.status == "failed":
            continue
        for row in read_metrics(Path(work) / METRICS_DIR / f"{outcome.name}_by_doc_question.csv"):
            if row.get("cer_micro") is None or not row.get("doc_type") or not row.get("field_id"):
                continue
            doctype = dataset.doctypes[row["doc_type"]] if dataset.doctypes else None
            labels = doctype.field(row["field_id"]).labels if doctype else ()
            prompt = collection.get(row["doc_type"], row["field_id"], labels)
            if prompt is None:
                continue
            key = (str(row["doc_class"]), str(row["question_type"]))
            if key not in best or row["cer_micro"] < best[key][0]:
                best[key] = (float(row["cer_micro"]), prompt)
    if not best:
        raise UsageError("bench prompts: no collection had a prompt for a field of the dataset "
                         "that was scored (see the tasks' logs)")
    winner = PromptCollection([PromptEntry(prompt, doc_class, question_type, cer)
                               for (doc_class, question_type), (cer, prompt) in best.items()])
    Path(best_out).parent.mkdir(parents=True, exist_ok=True)
    winner.write(best_out)
    return Path(best_out), result.tasks


# --------------------------------------------------------------------------
# `obligations run` over many files, in shards
# --------------------------------------------------------------------------


def forwarded_options(ctx, exclude: Sequence[str]) -> list[str]:
    """The options of a click command invocation that were given (not defaults), as arguments
    to pass on to the same command in a child process."""
    from click.core import ParameterSource

    argv: list[str] = []
    for param in ctx.command.params:
        if param.param_type_name != "option" or param.name in exclude:
            continue
        if ctx.get_parameter_source(param.name) in (ParameterSource.DEFAULT, None):
            continue
        value = ctx.params.get(param.name)
        flag = max(param.opts, key=len)
        if getattr(param, "is_flag", False):
            if value:
                argv.append(flag)
        elif value is not None:
            argv += [flag, str(value)]
    return argv


def run_sharded(files: Sequence[Path], out: Path, options: Sequence[str], shards: int, executor: str = "local",
                slurm: SlurmExecutor | None = None, echo: Callable[[str], None] = print) -> int:
    """`obligations run FILES -o OUT OPTIONS` split into `shards` jobs run by `executor`;
    OUT/manifest.json records shard -> files, job ids, nodes and return codes. Returns the
    worst shard's exit code (a shard that did not run to the end counts as 1)."""
    if str(out) == "-":
        raise UsageError("--executor/--shards write into an output folder: -o - (standard output) is not possible")
    if not files:
        raise UsageError("no input files found")
    out = Path(out).resolve()
    work = out / "_shards"
    parts = split_into_shards([Path(f).resolve() for f in files], shards)
    jobs = [Job(f"shard{index}", [sys.executable, "-m", "obligations", "run", *map(str, part), "-o", str(out),
                                  "--quiet", *options],
                Path.cwd(), work / LOGS_DIR / f"shard{index}.log", _child_env())
            for index, part in enumerate(parts)]
    out.mkdir(parents=True, exist_ok=True)
    if executor == "slurm":
        runner = replace(slurm or SlurmExecutor(), job_name="obligations-run")
    elif executor == "local":
        runner = LocalExecutor(detect_gpus() or None, jobs=len(jobs))
    else:
        raise UsageError(f"--executor {executor}: choose {' or '.join(EXECUTORS)}")
    results = _run_jobs(runner, jobs, work / "slurm", lambda r: echo(f"  {r.describe()}"))
    _write_json(out / MANIFEST, {
        "executor": executor, "slurm_arrays": list(getattr(runner, "submitted", [])),
        "shards": [{**result.to_dict(), "files": [str(p) for p in part]} for part, result in zip(parts, results)],
    })
    codes = [1 if r.returncode is None else r.returncode for r in results]
    return max(codes) if codes else 0
