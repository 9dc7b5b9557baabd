"""The benchmark's user config: one CSV row per task, VLMHyperBench's columns plus ours.

VLMHyperBench's columns (`user_config.csv`, UTF-8 with or without BOM, `;`; `,` is accepted too):

    dataset;task;framework;model_name;system_prompt;prompt_collection;metrics;only_evaluate_metrics;
    metrics_aggregators;filter_doc_class;filter_question_type

List cells are Python literals (`['CER', 'WER']`, `["by_id", "general"]`) or bare names
(`CER`, `CER, WER`). Our columns, each optional (absent or empty = the default):
`service` (which reader answers: auto, qwen_local, deepseek, tesseract, ...), `precision`
(auto|bf16|fp16|int8|int4), `mode` (per-field, or its alias fields: one question per field, as
VLMHyperBench asks; json: one JSON answer per document; the names of `obligations run --mode`) and `remote_url` (an OpenAI-compatible server to ask instead
of loading the model here).
"""

from __future__ import annotations

import ast
import csv
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..errors import UsageError

METRICS = ("CER", "WER", "BLEU", "EXACT", "VALID")
AGGREGATORS = ("by_id", "by_doc_question", "by_doc_type", "general")
PRECISIONS = ("auto", "bf16", "fp16", "int8", "int4")
MODES = ("per-field", "json")
_MODE_ALIASES = {"fields": "per-field", "per_field": "per-field"}
VLMHYPERBENCH_COLUMNS = (
    "dataset", "task", "framework", "model_name", "system_prompt", "prompt_collection", "metrics",
    "only_evaluate_metrics", "metrics_aggregators", "filter_doc_class", "filter_question_type",
)
OUR_COLUMNS = ("service", "precision", "mode", "remote_url")
NO_SYSTEM_PROMPT = "default"  # the answers file name part when the doc type's own system prompt is used

_TRUE = {"true", "1", "yes", "y", "да"}
_FALSE = {"false", "0", "no", "n", "нет", ""}
_METRIC_ALIASES = {"EM": "EXACT", "EXACT_MATCH": "EXACT", "ACCURACY": "EXACT", "VALIDITY": "VALID"}
_AGGREGATOR_ALIASES = {"overall": "general"}


@dataclass
class Task:
    """One row of the user config: a model (or service) run over a dataset, then scored."""

    dataset: str
    task: str = "VQA"
    framework: str = ""
    model_name: str = ""
    system_prompt: str | None = None  # a .txt file name; None: the doc type's own system prompt
    prompt_collection: str | None = None  # a prompt collection CSV name; None: the doc type's prompts
    metrics: list[str] = field(default_factory=lambda: ["CER", "WER", "BLEU", "EXACT", "VALID"])
    only_evaluate_metrics: bool = False  # score answers already on disk, ask no model
    metrics_aggregators: list[str] = field(default_factory=lambda: list(AGGREGATORS))
    filter_doc_class: str | None = None
    filter_question_type: str | None = None
    service: str = "auto"
    precision: str = "auto"
    mode: str = "per-field"
    remote_url: str | None = None
    config_dir: Path | None = None  # the config file's folder: relative names are looked up from it
    row: int = 0  # line of the config file, for messages

    @property
    def answers_stem(self) -> str:
        """`{dataset}_{framework}_{model}_{system prompt stem}`: the ModelsAnswers file name."""
        system = Path(self.system_prompt).stem if self.system_prompt else NO_SYSTEM_PROMPT
        parts = (self.dataset, self.framework or self.service, self.model_name or self.service, system)
        return "_".join(_file_part(part) for part in parts)

    def find_dataset(self) -> Path:
        """The dataset folder: as given, or under Datasets/<task>/ or Datasets/ (VLMHyperBench's layout)."""
        return self._find(self.dataset, ("", f"Datasets/{self.task}", "Datasets"), "dataset", folder=True)

    def find_prompt_collection(self) -> Path | None:
        if not self.prompt_collection:
            return None
        return self._find(self.prompt_collection, ("", f"PromptCollections/{self.task}", "PromptCollections"),
                          "prompt_collection")

    def find_system_prompt(self) -> Path | None:
        if not self.system_prompt:
            return None
        name = self.system_prompt if Path(self.system_prompt).suffix else self.system_prompt + ".txt"
        return self._find(name, ("", "SystemPrompts"), "system_prompt")

    def _find(self, name: str, subdirs: tuple[str, ...], column: str, folder: bool = False) -> Path:
        given = Path(name).expanduser()
        bases = [Path()] if given.is_absolute() else [
            (self.config_dir or Path()) / sub for sub in subdirs]
        candidates = [base / given for base in bases]
        for candidate in candidates:
            if candidate.is_dir() if folder else candidate.is_file():
                return candidate
        raise UsageError(f"config row {self.row}, column {column}: {name!r} not found "
                         f"(looked in {', '.join(str(c) for c in candidates)})")


def load_config(path: Path) -> list[Task]:
    """The tasks of a user config CSV, in file order."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"config {path}: cannot read: {exc}") from None
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].strip():
        raise UsageError(f"config {path}: empty file")
    header = lines[0]
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    columns = [c.strip() for c in next(reader)]
    known = set(VLMHYPERBENCH_COLUMNS) | set(OUR_COLUMNS)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise UsageError(f"config {path}: unknown column(s) {', '.join(unknown)}; "
                         f"known: {';'.join(VLMHYPERBENCH_COLUMNS + OUR_COLUMNS)}")
    if "dataset" not in columns:
        raise UsageError(f"config {path}: no dataset column")
    tasks = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            raise UsageError(f"config {path}: row {line}: {len(cells)} cells for {len(columns)} columns "
                             f"(a `{delimiter}` inside a value must be quoted)")
        values = dict(zip(columns, (c.strip() for c in cells)))
        tasks.append(_task_from(values, path, line))
    if not tasks:
        raise UsageError(f"config {path}: no tasks (only a header)")
    return tasks


def _task_from(values: dict[str, str], path: Path, line: int) -> Task:
    def bad(column: str, problem: str) -> UsageError:
        return UsageError(f"config {path}: row {line}, column {column}: {problem}")

    kwargs: dict = {"config_dir": path.parent, "row": line}
    if not values.get("dataset"):
        raise bad("dataset", "empty")
    for name in ("dataset", "task", "framework", "model_name", "service"):
        if values.get(name):
            kwargs[name] = values[name]
    for name in ("system_prompt", "prompt_collection", "filter_doc_class", "filter_question_type"):
        kwargs[name] = values.get(name) or None
    defaults = {f.name: f for f in fields(Task)}
    if values.get("metrics"):
        try:
            kwargs["metrics"] = [
                _canonical(m, METRICS, _METRIC_ALIASES, str.upper) for m in parse_list(values["metrics"])]
        except ValueError as exc:
            raise bad("metrics", str(exc)) from None
    if values.get("metrics_aggregators"):
        try:
            kwargs["metrics_aggregators"] = [
                _canonical(a, AGGREGATORS, _AGGREGATOR_ALIASES, str.lower)
                for a in parse_list(values["metrics_aggregators"])]
        except ValueError as exc:
            raise bad("metrics_aggregators", str(exc)) from None
    try:
        kwargs["only_evaluate_metrics"] = parse_bool(values.get("only_evaluate_metrics", ""))
    except ValueError as exc:
        raise bad("only_evaluate_metrics", str(exc)) from None
    precision = values.get("precision", "").lower() or defaults["precision"].default
    if precision not in PRECISIONS:
        raise bad("precision", f"{values['precision']!r} is not one of {', '.join(PRECISIONS)}")
    kwargs["precision"] = precision
    mode = values.get("mode", "").lower() or defaults["mode"].default
    mode = _MODE_ALIASES.get(mode, mode)
    if mode not in MODES:
        raise bad("mode", f"{values['mode']!r} is not one of {', '.join(MODES)}")
    kwargs["mode"] = mode
    remote = values.get("remote_url") or None
    if remote is not None and not re.match(r"https?://[^\s/]+", remote):
        raise bad("remote_url", f"{remote!r} is not an http(s) URL")
    kwargs["remote_url"] = remote
    return Task(**kwargs)


def parse_list(cell: str) -> list[str]:
    """A list cell: a Python list literal of strings, or bare names separated by commas/spaces."""
    cell = cell.strip()
    if not cell:
        return []
    if cell.startswith(("[", "(")):
        try:
            value = ast.literal_eval(cell)  # a literal only: never evaluates code
        except (ValueError, SyntaxError):
            raise ValueError(f"{cell!r} is not a list like ['CER', 'WER']") from None
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{cell!r} is not a list of names")
        return [v.strip() for v in value if v.strip()]
    items = [item for item in re.split(r"[,\s]+", cell) if item]
    if any(re.search(r"[\[\]()'\"]", item) for item in items):
        raise ValueError(f"{cell!r} is not a list like ['CER', 'WER']")
    return items


def parse_bool(cell: str) -> bool:
    """True/False, 1/0, yes/no (any case); empty is False."""
    value = cell.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{cell!r} is not True/False")


def _canonical(name: str, allowed: tuple[str, ...], aliases: dict[str, str], case) -> str:
    value = case(name.strip())
    value = aliases.get(value, value)
    if value not in allowed:
        raise ValueError(f"unknown {name!r}; known: {', '.join(allowed)}")
    return value


def _file_part(text: str) -> str:
    """A name made safe for one file name part: model ids such as `Qwen/Qwen2-VL-2B` hold a slash."""
    return re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "-", text.strip()) or "none"
