"""Doc type files are checked as they load: a misspelt key at any level, a value of the wrong
type, a pattern that is not a regular expression or an unknown normaliser/validator is a usage
error naming the file, the field and the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from obligations.doctypes import _FIELD, BUILTIN_DIR, FieldSpec, load_doctype, load_doctypes
from obligations.errors import EXIT_USAGE, UsageError

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
id = "card"
title = "A card"
max_pages = 1
stop_labels = ["Signature"]

[classify]
min_score = 2.0
keywords = [["member card", 3], "member"]
patterns = [['\\d{4}-\\d{4}', 1.5]]

[prompts]
system = "Answer with the value only."

[[groups]]
id = "fio"
labels = ["Name"]

[[fields]]
id = "number"
labels = ["No."]
pattern = '\\d{4}-\\d{4}'
normalize = "digits"
validate = "digits"
anywhere = true
prompts.qwen = "The card's number?"

[[fields]]
id = "last_name"
group = "fio"
index = 0
normalize = "name"
validate = "name"
validate_params = { script = "latin" }

[[fields]]
id = "issued"
labels = ["Issued"]
pattern = "{date}"
normalize = "date"
validate = "date"
validate_params = { min_year = 1990, not_future = true }
"""


def write(tmp_path: Path, text: str, name: str = "card.toml") -> Path:
    folder = tmp_path / "types"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        load_doctype(path)
    message = caught.value.message
    assert str(path) in message, message
    assert "\n" not in message
    return message


def test_every_shipped_doctype_loads():
    shipped = sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))
    assert shipped and sorted(load_doctypes()) == shipped


def test_the_schema_knows_every_field_key():
    assert set(_FIELD) == set(FieldSpec.__dataclass_fields__)


def test_a_good_file_loads(tmp_path):
    doctype = load_doctype(write(tmp_path, GOOD))
    assert doctype.field_ids == ["number", "last_name", "issued"]
    assert doctype.field("issued").validate_params == {"min_year": 1990, "not_future": True}
    assert doctype.keywords == (("member card", 3.0), ("member", 1.0))


def test_misspelt_top_level_key(tmp_path):
    message = load_error(tmp_path, GOOD.replace('title = "A card"', 'titel = "A card"'))
    assert "unknown key 'titel'" in message and "did you mean 'title'" in message


def test_misspelt_field_key(tmp_path):
    message = load_error(tmp_path, GOOD.replace("anywhere = true", "anywere = true"))
    assert "field 'number'" in message and "unknown key 'anywere'" in message
    assert "did you mean 'anywhere'" in message


@pytest.mark.parametrize("old, new, needle", [
    ("min_score = 2.0", "min_scor = 2.0", "[classify] unknown key 'min_scor'"),
    ('system = "Answer', 'sytem = "Answer', "[prompts] unknown key 'sytem'"),
    ('labels = ["Name"]', 'label = ["Name"]', "group 'fio': unknown key 'label'"),
    ("min_year = 1990", "min_yaer = 1990", "field 'issued': validate_params: unknown key 'min_yaer'"),
    ("prompts.qwen =", "prompts.qwne =", "field 'number': prompts: unknown key 'qwne'"),
])
def test_misspelt_key_in_a_nested_table(tmp_path, old, new, needle):
    assert needle in load_error(tmp_path, GOOD.replace(old, new))


@pytest.mark.parametrize("old, new, needle", [
    ("anywhere = true", 'anywhere = "no"', "field 'number': key 'anywhere' must be true or false, not str 'no'"),
    ("max_pages = 1", 'max_pages = "1"', "key 'max_pages' must be a whole number"),
    ("max_pages = 1", "max_pages = 0", "key 'max_pages' must be a whole number of 1 or more"),
    ('labels = ["No."]', 'labels = "No."', "field 'number': key 'labels' must be a list of strings"),
    ("index = 0", "index = true", "field 'last_name': key 'index' must be a whole number"),
    ("min_score = 2.0", 'min_score = "high"', "[classify] key 'min_score' must be a number"),
    ("not_future = true", 'not_future = "yes"', "field 'issued': validate_params: key 'not_future' must be true"),
    ("min_year = 1990", 'min_year = "1990"', "field 'issued': validate_params: key 'min_year' must be a whole"),
])
def test_wrong_type(tmp_path, old, new, needle):
    assert needle in load_error(tmp_path, GOOD.replace(old, new))


@pytest.mark.parametrize("old, new, needle", [
    ("pattern = '\\d{4}-\\d{4}'", "pattern = '(\\d{4}'", "field 'number': key 'pattern': '(\\\\d{4}' is not a valid regular expression"),
    ('pattern = "{date}"', 'pattern = "{date}"\nexclude = ["[a-"]', "field 'issued': key 'exclude'"),
    ("patterns = [['\\d{4}-\\d{4}', 1.5]]", "patterns = [['(', 1.5]]", "[classify] key 'patterns'"),
])
def test_bad_regex(tmp_path, old, new, needle):
    message = load_error(tmp_path, GOOD.replace(old, new))
    assert needle in message
    assert "missing )" in message or "unterminated" in message


def test_unknown_normaliser(tmp_path):
    message = load_error(tmp_path, GOOD.replace('normalize = "digits"', 'normalize = "digitz"'))
    assert "field 'number': key 'normalize': unknown normaliser 'digitz'" in message
    assert "did you mean 'digits'" in message


def test_unknown_machine_readable_zone_element(tmp_path):
    message = load_error(tmp_path, GOOD.replace('normalize = "digits"', 'normalize = "digits"\nmrz = "birthdate"'))
    assert "field 'number': key 'mrz': unknown machine-readable zone element 'birthdate'" in message
    assert "did you mean 'birth_date'" in message


def test_unknown_validator(tmp_path):
    message = load_error(tmp_path, GOOD.replace('validate = "digits"', 'validate = "snls"'))
    assert "field 'number': key 'validate': unknown validator 'snls'" in message


@pytest.mark.parametrize("old, new, needle", [
    ('id = "card"\n', "", "missing key 'id'"),
    ('id = "issued"', 'id = "number"', "field 'number' is defined twice"),
    ('group = "fio"', 'group = "names"', "field 'last_name': key 'group': group 'names' is not defined"),
    ('stop_labels = ["Signature"]', 'stop_labels = ["Signature"]\nchronology = ["birth", "issued"]',
     "key 'chronology': field 'birth' is not defined"),
    ('id = "issued"', 'id = "issued"\nabove = "expiry"', "field 'issued': key 'above': field 'expiry' is not defined"),
    ('id = "issued"', 'id = "issued"\nbeside = "code"', "field 'issued': key 'beside': field 'code' is not defined"),
    ('id = "issued"', 'id = "issued"\ntax_office_of = "inn"', "field 'issued': key 'tax_office_of': field 'inn' is not defined"),
    ('stop_labels = ["Signature"]', 'stop_labels = ["Signature"]\nchronology = "issued"',
     "key 'chronology' must be a list of strings"),
])
def test_other_mistakes(tmp_path, old, new, needle):
    assert needle in load_error(tmp_path, GOOD.replace(old, new))


def test_cli_exits_2_with_one_line(tmp_path):
    write(tmp_path, GOOD.replace("anywhere = true", 'anywhere = "no"'), name="broken.toml")
    proc = subprocess.run([sys.executable, "-m", "obligations", "run", str(ROOT / "input" / "snils_sample.jpg"),
                           "--doctypes-dir", str(tmp_path / "types"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == EXIT_USAGE, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "broken.toml" in lines[0] and "field 'number'" in lines[0] and "'anywhere'" in lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
