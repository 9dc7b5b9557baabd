"""The output contract's model and writers."""

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

import pytest

from obligations import SCHEMA_VERSION
from obligations.backends.base import BackendInfo
from obligations.results import (
    BatchWriter, DocumentResult, FieldResult, PageResult, Result, render_csv, render_json, render_jsonl, write_atomic,
)


def _result(path: str = "/data/snils.png") -> Result:
    fields = {
        "number": FieldResult("112-233-445 95", "112-233-445 95", True, 0.93, 1, [10, 20, 300, 60], "ocr"),
        "middle_name": FieldResult(None, None, False, 0.0, None, None, None),
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
    assert rows[2][4] == "" and rows[2][6] == "false"
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


def test_batch_writer_names_clashing_stems_by_their_full_names(tmp_path: Path):
    inputs = [Path("a/doc.pdf"), Path("b/doc.png"), Path("c/other.jpg")]
    writer = BatchWriter(str(tmp_path), "json", inputs)
    assert writer.target(inputs[0]).name == "doc.pdf.json"
    assert writer.target(inputs[1]).name == "doc.png.json"
    assert writer.target(inputs[2]).name == "other.json"
    assert not writer.exists(inputs[2])
    written = writer.write(inputs[2], _result(), pipeline=None)
    assert written == str(tmp_path / "other.json") and writer.exists(inputs[2])
    assert json.loads((tmp_path / "other.json").read_text(encoding="utf-8"))["documents"][0]["doc_type"] == "snils"
