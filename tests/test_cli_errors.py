"""Every bad input gets one clear line, its documented exit code, no traceback and no partial file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]


def obligations(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "obligations", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def assert_clean_failure(proc: subprocess.CompletedProcess, code: int, needle: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert needle in proc.stderr, proc.stderr


def text_image(path: Path, lines: list[str]) -> Path:
    image = Image.new("L", (1600, 200 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(next(Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans.ttf"))), 44)
    for i, line in enumerate(lines):
        draw.text((80, 100 + 70 * i), line, font=font, fill=0)
    image.save(path)
    return path


def digital_pdf(path: Path, lines: list[str], password: str | None = None) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    font = str(next(Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans.ttf")))
    page.insert_font(fontname="dv", fontfile=font)
    for i, line in enumerate(lines):
        page.insert_text((60, 80 + 24 * i), line, fontname="dv", fontsize=12)
    if password:
        doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password, owner_pw=password + "!")
    else:
        doc.save(path)
    return path


SNILS_LINES = [
    "СТРАХОВОЕ СВИДЕТЕЛЬСТВО",
    "ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ",
    "№ 112-233-445 95",
    "Фамилия ИВАНОВ",
    "Имя ИВАН",
    "Отчество ИВАНОВИЧ",
    "Дата рождения 01.02.1980",
    "Место рождения ГОР. МОСКВА",
    "Пол мужской",
    "Дата регистрации 15.03.2001",
]


def zero_page_pdf(path: Path) -> Path:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    body += b"trailer<</Size 3/Root 1 0 R>>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"
    path.write_bytes(body)
    return path


def test_missing_path_fails_with_code_1(tmp_path):
    proc = obligations("run", str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "out"), "-q")
    assert_clean_failure(proc, 1, "no such file")


def test_truncated_png_fails_and_batch_goes_on(tmp_path):
    good = digital_pdf(tmp_path / "good.pdf", SNILS_LINES)
    whole = text_image(tmp_path / "whole.png", ["Фамилия ИВАНОВ"])
    broken = tmp_path / "broken.png"
    broken.write_bytes(whole.read_bytes()[:400])
    out = tmp_path / "out"
    proc = obligations("run", str(broken), str(good), "--out", str(out), "-q")
    assert_clean_failure(proc, 1, "broken.png")
    assert "truncated" in proc.stderr or "unreadable" in proc.stderr
    assert (out / "good.json").exists()
    assert sorted(p.name for p in out.iterdir()) == ["good.json"]  # no partial or temp file


def test_unsupported_type(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    proc = obligations("run", str(path), "--out", str(tmp_path / "out"), "-q")
    assert_clean_failure(proc, 1, "unsupported")


def test_encrypted_pdf_needs_password(tmp_path):
    path = digital_pdf(tmp_path / "secret.pdf", SNILS_LINES, password="s3cret")
    proc = obligations("run", str(path), "--out", str(tmp_path / "out"), "-q")
    assert_clean_failure(proc, 1, "--password")
    wrong = obligations("run", str(path), "--out", str(tmp_path / "out"), "-q", "--password", "nope")
    assert_clean_failure(wrong, 1, "wrong password")
    right = obligations("run", str(path), "--out", str(tmp_path / "out"), "-q", "--password", "s3cret")
    assert right.returncode == 0, right.stderr
    result = json.loads((tmp_path / "out" / "secret.json").read_text())
    assert result["documents"][0]["fields"]["number"]["value"] == "112-233-445 95"


def test_zero_page_pdf(tmp_path):
    proc = obligations("run", str(zero_page_pdf(tmp_path / "empty.pdf")), "--out", str(tmp_path / "out"), "-q")
    assert_clean_failure(proc, 1, "no pages")


def test_image_over_pixel_limit(tmp_path):
    path = text_image(tmp_path / "big.png", ["Фамилия ИВАНОВ"])
    proc = obligations("run", str(path), "--out", str(tmp_path / "out"), "-q", "--pixel-limit", "100000")
    assert_clean_failure(proc, 1, "MP limit")


def test_missing_language_pack_exits_3(tmp_path):
    path = text_image(tmp_path / "page.png", ["Фамилия ИВАНОВ"])
    proc = obligations("run", str(path), "--out", str(tmp_path / "out"), "--ocr-service", "tesseract", "--lang", "xyz")
    assert_clean_failure(proc, 3, "apt-get install tesseract-ocr-xyz")


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--pages", "3-1"], "--pages"),
        (["--doc-type", "nosuch"], "unknown --doc-type"),
        (["--dpi", "5"], "--dpi"),
        (["--ocr-service", "magic"], "--ocr-service"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, needle):
    path = text_image(tmp_path / "page.png", ["Фамилия ИВАНОВ"])
    proc = obligations("run", str(path), "--out", str(tmp_path / "out"), *args)
    assert_clean_failure(proc, 2, needle)


def test_bad_doctype_file_is_a_usage_error(tmp_path):
    (tmp_path / "types").mkdir()
    (tmp_path / "types" / "broken.toml").write_text('id = "broken"\n[[fields]]\nid = "x"\npattern = "("\n')
    path = text_image(tmp_path / "page.png", ["Фамилия ИВАНОВ"])
    proc = obligations("run", str(path), "--doctypes-dir", str(tmp_path / "types"), "--out", str(tmp_path / "out"))
    assert_clean_failure(proc, 2, "broken.toml")


def test_run_document_wrapper_is_the_same_command(tmp_path):
    pdf = digital_pdf(tmp_path / "card.pdf", SNILS_LINES)
    out_cli, out_wrapper = tmp_path / "a", tmp_path / "b"
    assert obligations("run", str(pdf), "--out", str(out_cli), "-q").returncode == 0
    wrapper = subprocess.run(
        [sys.executable, str(ROOT / "scripts/utils/run_document.py"), str(pdf), "--ocr-service", "auto",
         "--out", str(out_wrapper), "-q"],
        capture_output=True, text=True, timeout=300,
    )
    assert wrapper.returncode == 0, wrapper.stderr
    a = json.loads((out_cli / "card.json").read_text())
    b = json.loads((out_wrapper / "card.json").read_text())
    assert a["documents"] == b["documents"]
