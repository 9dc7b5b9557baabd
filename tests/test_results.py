"""The output contract's model and writers."""

import csv
import io
import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from obligations import SCHEMA_VERSION, results
from obligations.backends.base import BackendInfo
from obligations.errors import UsageError
from obligations.fields.locate import Found
from obligations.sources import Inputs, collect_inputs, open_source
from obligations.results import (
    BatchWriter, DocumentResult, FieldResult, PageResult, Result, render_csv, render_json, render_jsonl, write_atomic,
)


def _result(path: str = "/data/snils.png", missing_valid: bool | None = None) -> Result:
    fields = {
        "number": FieldResult("112-233-445 95", "112-233-445 95", True, 0.93, 1, [10, 20, 300, 60], "ocr"),
        "middle_name": FieldResult(None, None, missing_valid, 0.0, None, None, None),
        "birth_place": FieldResult("г. Москва «Север»", "г. Москва «Север»", True, 0.8, 1, [5, 6, 7, 8], "ocr"),
    }
    return Result(
        source={"path": path, "sha256": "ab" * 32, "media_type": "image/png", "page_count": 1},
        backend=BackendInfo("tesseract", None, "cpu", None, "no GPU"),
        documents=[DocumentResult("snils", [1], 0.9, fields)],
        pages=[PageResult(1, 2480, 3508, 300, "ocr", "СНИЛС\n112-233-445 95\t\"quoted\"\\")],
        timing_s={"total": 1.5, "load": 0.01, "per_page": [{"page": 1, "ocr": 1.2, "rasterize": 0.1}]},
        warnings=["page 1: middle_name not found"],
    )


def test_to_dict_is_the_dataclass_tree_with_the_schema_version_first():
    result = _result()
    expected = asdict(result)
    for field in expected["documents"][0]["fields"].values():  # a second opinion's keys: only where there was one
        assert (field.pop("votes"), field.pop("agreement"), field.pop("review")) == (None, None, None)
    data = result.to_dict()
    assert data == expected
    assert list(data) == ["schema_version", "source", "backend", "documents", "pages", "timing_s", "warnings"]
    assert data["schema_version"] == SCHEMA_VERSION
    assert list(data["documents"][0]["fields"]["number"]) == ["value", "raw", "valid", "confidence", "page", "bbox",
                                                              "source"]


def test_to_dict_copies_so_that_changing_it_leaves_the_result_alone():
    result = _result()
    data = result.to_dict()
    data["documents"][0]["fields"]["number"]["bbox"].append(0)
    data["timing_s"]["per_page"][0]["ocr"] = 0
    data["warnings"].clear()
    assert result.documents[0].fields["number"].bbox == [10, 20, 300, 60]
    assert result.timing_s["per_page"][0]["ocr"] == 1.2
    assert result.warnings


def test_json_is_indented_and_reads_back_as_the_result():
    result = _result()
    text = render_json(result).decode("utf-8")
    assert json.loads(text) == result.to_dict()
    assert text.startswith('{\n  "schema_version": "1",\n  "source": {\n    "path": ')
    assert text.endswith("}\n")
    assert '"bbox": [10, 20, 300, 60]' in text  # a box on one line
    assert "Москва «Север»" in text  # not \u-escaped


def test_json_of_empty_containers_and_nested_lists():
    result = _result()
    result.warnings = []
    result.documents = []
    result.source["extra"] = {"empty": {}, "nested": [[1, 2], [3]], "none": None}
    text = render_json(result).decode("utf-8")
    assert json.loads(text) == result.to_dict()
    assert '"warnings": []' in text and '"documents": []' in text and '"empty": {}' in text


def test_jsonl_is_one_line():
    data = render_jsonl(_result())
    assert data.count(b"\n") == 1 and data.endswith(b"\n")
    assert json.loads(data) == _result().to_dict()


def test_csv_has_a_row_per_field():
    rows = list(csv.reader(io.StringIO(render_csv(_result()).decode("utf-8"))))
    assert rows[0][:4] == ["file", "document", "doc_type", "field"]
    assert [r[3] for r in rows[1:]] == ["number", "middle_name", "birth_place"]
    assert rows[1][4] == "112-233-445 95" and rows[1][9] == "10 20 300 60"
    assert rows[2][4] == "" and rows[2][6] == ""  # a missing value is not checked
    assert render_csv(_result(), header=False).decode("utf-8").count("\n") == 3


def test_write_atomic_replaces_whole_and_leaves_no_temporary_on_failure(tmp_path: Path):
    target = tmp_path / "out" / "a.json"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"

    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["a.json"]


def test_an_interrupt_just_after_the_temporary_file_is_made_leaves_none(tmp_path: Path, monkeypatch):
    """Ctrl-C or SIGTERM (raised as an exception in the main process) arriving between the
    temporary file's creation and anything else: it is removed all the same."""
    import obligations.results as results

    made = results._temporary

    def interrupted(temp, path):
        made(temp, path)
        raise KeyboardInterrupt

    monkeypatch.setattr(results, "_temporary", interrupted)
    target = tmp_path / "a.json"
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"{}")
    assert list(tmp_path.iterdir()) == []


def _inputs(tmp_path: Path, *relative: str) -> Inputs:
    for name in relative:
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_bytes(b"x")
    return collect_inputs([tmp_path / "in"])


def test_batch_writer_mirrors_the_input_tree(tmp_path: Path):
    inputs = _inputs(tmp_path, "a/doc.png", "b/doc.png", "c/doc.pdf", "c/doc.png", "other.jpg")
    writer = BatchWriter(str(tmp_path / "out"), "json", inputs)
    by_name = {str(p.relative_to(tmp_path / "in")): writer.target(p).relative_to(tmp_path / "out") for p in inputs.files}
    assert by_name == {"a/doc.png": Path("a/doc.json"), "b/doc.png": Path("b/doc.json"),
                       "c/doc.pdf": Path("c/doc.pdf.json"), "c/doc.png": Path("c/doc.png.json"),
                       "other.jpg": Path("other.json")}
    writer.check(inputs.files)
    other = next(p for p in inputs.files if p.name == "other.jpg")
    assert not writer.exists(other)
    written = writer.write(other, _result(), pipeline=None)
    assert written == str(tmp_path / "out" / "other.json") and writer.exists(other)
    assert json.loads((tmp_path / "out" / "other.json").read_text(encoding="utf-8"))["documents"][0]["doc_type"] == "snils"


def test_batch_writer_refuses_what_it_cannot_write_as_asked(tmp_path: Path):
    inputs = _inputs(tmp_path, "doc.png")
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        BatchWriter(str(tmp_path / "a_file"), "json", inputs).check(inputs.files)
    # Ground truth beside a synthetic set is not replaced without --force; this tool's own output is.
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "doc.json").write_text('{"doc_type": "snils", "fields": {}}')
    with pytest.raises(UsageError, match="not written by obligations"):
        BatchWriter(str(tmp_path / "out"), "json", inputs).check(inputs.files)
    BatchWriter(str(tmp_path / "out"), "json", inputs, force=True).check(inputs.files)
    write_atomic(tmp_path / "out" / "doc.json", render_json(_result()))
    BatchWriter(str(tmp_path / "out"), "json", inputs).check(inputs.files)
    (tmp_path / "out" / "doc.csv").write_bytes(render_csv(_result()))
    BatchWriter(str(tmp_path / "out"), "csv", inputs).check(inputs.files)


def test_two_folders_named_with_a_file_of_one_name_are_refused_before_anything_is_read(tmp_path: Path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "doc.png").write_bytes(b"x")
    inputs = collect_inputs([tmp_path / "x", tmp_path / "y"])
    with pytest.raises(UsageError, match="would both be written to"):
        BatchWriter(str(tmp_path / "out"), "json", inputs).check(inputs.files)


def test_output_files_honour_the_umask(tmp_path: Path):
    old = os.umask(0o027)
    try:
        mode = results._file_mode()
    finally:
        os.umask(old)
    assert mode == 0o640
    write_atomic(tmp_path / "a.json", b"{}")
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == results.FILE_MODE == 0o666 & ~old


def test_several_results_on_standard_output_are_one_json_array(tmp_path: Path, capsysbinary):
    inputs = _inputs(tmp_path, "a.png", "b.png")
    writer = BatchWriter("-", "json", inputs)
    for path in inputs.files:
        writer.write(path, _result(str(path)), pipeline=None)
    writer.close()
    data = json.loads(capsysbinary.readouterr().out)
    assert [r["source"]["path"] for r in data] == [str(p) for p in inputs.files]
    one = _inputs(tmp_path / "one", "a.png")
    writer = BatchWriter("-", "json", one)
    writer.write(one.files[0], _result(), pipeline=None)
    writer.close()
    assert json.loads(capsysbinary.readouterr().out)["schema_version"] == SCHEMA_VERSION


def test_a_missing_value_is_not_checked():
    found = FieldResult.from_found(Found())
    assert (found.value, found.valid) == (None, None)
    rows = list(csv.DictReader(io.StringIO(render_csv(_result(missing_valid=None)).decode())))
    assert [r["valid"] for r in rows] == ["true", "", "true"]


SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "output.schema.json"


def test_outputs_follow_the_published_schema(tmp_path: Path):
    jsonschema = pytest.importorskip("jsonschema")
    from obligations.pipeline import Pipeline, RunOptions

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(json.loads(render_json(_result())))
    validator.validate(json.loads(render_jsonl(_result())))
    # A real run: a digital PDF, one field left unfound.
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    font = str(next(Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans.ttf")))
    page.insert_font(fontname="dv", fontfile=font)
    for i, line in enumerate(["СТРАХОВОЕ СВИДЕТЕЛЬСТВО", "ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ",
                              "№ 112-233-445 95", "Фамилия ИВАНОВ", "Имя ИВАН"]):
        page.insert_text((60, 80 + 24 * i), line, fontname="dv", fontsize=12)
    doc.save(tmp_path / "card.pdf")
    data = json.loads(render_json(Pipeline(RunOptions(jobs=1)).process(tmp_path / "card.pdf")))
    validator.validate(data)
    fields = data["documents"][0]["fields"]
    assert fields["number"]["valid"] is True and fields["birth_date"] == {**fields["birth_date"], "value": None, "valid": None}
    # The schema is no formality: a missing value marked valid breaks it.
    fields["birth_date"]["valid"] = True
    assert not validator.is_valid(data)


def test_a_page_as_read_survives_its_record():
    from obligations.backends.base import PageText, Word
    from obligations.classify import Classification
    from obligations.reading.condition import Conditioning
    from obligations.results import page_from_record, page_record

    page = PageText(2, 2480, 3508, 300, "ocr", [Word("СНИЛС", (10, 20, 90, 40), 91.5, ("sparse", (1, 2, 3)))],
                    rotation=90, seconds={"ocr": 1.25}, followed_up="snils",
                    figures_read_again=[("birth_date", (300, 20, 420, 40), "1993-06-17")],
                    conditioning=Conditioning((2480, 3508), 300, scale=2.0, despeckle=True, text_height=12.5,
                                              corners=((1.0, 2.0), (3.0, 4.0), (5.0, 6.0), (7.0, 8.0))),
                    claimed=Classification("snils", 0.6, {"snils": 3.0, "inn": 0.5}))
    again = page_from_record(json.loads(json.dumps(page_record(page))))
    assert again.words == page.words and again.conditioning == page.conditioning and again.claimed == page.claimed
    assert again.figures_read_again == page.figures_read_again
    assert (again.page, again.rotation, again.seconds, again.followed_up, again.text) == (2, 90, {"ocr": 1.25}, "snils", "СНИЛС")


def test_an_interrupted_multi_page_file_is_read_on_from_the_pages_it_lacks(tmp_path: Path, monkeypatch):
    import pymupdf

    from obligations.pipeline import Pipeline, RunOptions
    from obligations.results import PartialPages

    doc = pymupdf.open()
    for number in range(1, 4):
        page = doc.new_page()
        page.insert_text((60, 80), f"СЧЕТ-ФАКТУРА № {number} от 01.02.2024 ИНН/КПП продавца 7707083893/770701001")
    (tmp_path / "in").mkdir()
    doc.save(tmp_path / "in" / "bundle.pdf")
    inputs = collect_inputs([tmp_path / "in"])
    options = RunOptions(jobs=1)
    kept = PartialPages(BatchWriter(str(tmp_path / "out"), "json", inputs), options.reading_fingerprint())
    whole = next(Pipeline(options).run(inputs.files, read_before=kept)).result
    side = tmp_path / "out" / "bundle.partial.jsonl"
    lines = side.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4  # the head and one line a page
    side.write_text("\n".join(lines[:3]) + "\n" + lines[3][:40], encoding="utf-8")  # the run was killed mid-line

    submitted = []
    real_submit = Pipeline._submit_page
    monkeypatch.setattr(Pipeline, "_submit_page", lambda self, work, page: submitted.append(page) or real_submit(self, work, page))
    again = next(Pipeline(options).run(inputs.files, read_before=kept)).result
    assert submitted == [3]
    assert [d.fields for d in again.documents] == [d.fields for d in whole.documents]
    # Read another way (another engine, language or resolution), the kept pages are not used.
    submitted.clear()
    other = PartialPages(kept.writer, RunOptions(jobs=1, lang="eng").reading_fingerprint())
    next(Pipeline(options).run(inputs.files, read_before=other))
    assert submitted == [1, 2, 3]
    assert kept.load(inputs.files[0], open_source(inputs.files[0])) == []  # nor by the first way again
