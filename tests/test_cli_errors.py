"""Every bad input gets one clear line, its documented exit code, no traceback and no partial file."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
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


# ---------------------------------------------------------------------- robustness (issue H)

def snils_pdf(folder: Path, name: str = "card.pdf") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return digital_pdf(folder / name, SNILS_LINES)


def test_same_name_in_two_folders_gives_two_outputs_mirroring_the_tree(tmp_path):
    same = tmp_path / "same"
    snils_pdf(same / "a", "doc.pdf")
    snils_pdf(same / "b", "doc.pdf")
    snils_pdf(same / "c", "doc.pdf")
    text_image(same / "c" / "doc.png", ["Фамилия ИВАНОВ"])
    out = tmp_path / "out"
    proc = obligations("run", str(same), "-o", str(out), "--ocr-service", "text", "-q")
    assert proc.returncode == 1, proc.stderr  # the image cannot be read without OCR: that file alone fails
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.json"))
    assert written == ["a/doc.json", "b/doc.json", "c/doc.pdf.json"]
    # Names do not depend on what else is in the batch: a resumed run skips what is done and
    # adds the new file, with nothing duplicated.
    (same / "c" / "doc.png").unlink()
    snils_pdf(same / "d", "new.pdf")
    again = obligations("run", str(same), "-o", str(out), "--skip-existing")
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("skipped") == 2  # a/ and b/; c/doc.pdf now has its folder to itself
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.json")) == [
        "a/doc.json", "b/doc.json", "c/doc.json", "c/doc.pdf.json", "d/new.json"]


def test_out_that_cannot_be_written(tmp_path):
    pdf = snils_pdf(tmp_path)
    proc = obligations("run", str(pdf), "-o", "/dev/null")
    assert_clean_failure(proc, 2, "is a file, not a folder")
    proc = obligations("run", str(pdf), "-o", str(pdf))
    assert_clean_failure(proc, 2, "is a file, not a folder")
    proc = obligations("run", str(pdf), "-o", str(pdf / "below"))
    assert_clean_failure(proc, 2, f"{pdf} is a file, not a folder")


def test_out_holding_ground_truth_is_not_overwritten_without_force(tmp_path):
    pdf = snils_pdf(tmp_path / "set")
    truth = tmp_path / "set" / "card.json"
    truth.write_text('{"doc_type": "snils", "fields": {}}')
    proc = obligations("run", str(tmp_path / "set"), "-o", str(tmp_path / "set"))
    assert_clean_failure(proc, 2, "not written by obligations")
    assert json.loads(truth.read_text()) == {"doc_type": "snils", "fields": {}}
    forced = obligations("run", str(pdf), "-o", str(tmp_path / "set"), "--force", "-q")
    assert forced.returncode == 0, forced.stderr
    assert json.loads(truth.read_text())["schema_version"] == "1"


def test_outputs_honour_the_umask(tmp_path):
    pdf = snils_pdf(tmp_path)
    proc = subprocess.run(["sh", "-c", f'umask 022 && exec "{sys.executable}" -m obligations run "{pdf}" -o "{tmp_path / "out"}" -q'],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "card.json").stat().st_mode & 0o777 == 0o644


def test_nothing_to_read_and_pages_that_do_not_exist(tmp_path):
    (tmp_path / "empty").mkdir()
    assert_clean_failure(obligations("run", str(tmp_path / "empty"), "-o", str(tmp_path / "out")), 2, "no input files")
    pdf = snils_pdf(tmp_path)
    proc = obligations("run", str(pdf), "-o", str(tmp_path / "out"), "--pages", "1,3-4")
    assert proc.returncode == 0 and "pages 3, 4 not read: the file has 1 page" in proc.stderr, proc.stderr
    assert "pages 3, 4 not read" in json.loads((tmp_path / "out" / "card.json").read_text())["warnings"][0]
    assert_clean_failure(obligations("run", str(pdf), "-o", str(tmp_path / "o2"), "--pages", "2-3"), 1, "it has 1 page")
    assert_clean_failure(obligations("run", str(pdf), "-o", str(tmp_path / "o3"), "--pixel-limit", "0"), 2, "--pixel-limit")


def test_text_service_on_an_image_and_a_run_that_found_nothing(tmp_path):
    image = text_image(tmp_path / "page.png", ["Фамилия ИВАНОВ"])
    assert_clean_failure(obligations("run", str(image), "-o", str(tmp_path / "out"), "--ocr-service", "text"), 1,
                         "an image has no text layer")
    blank = digital_pdf(tmp_path / "blank.pdf", ["Lorem ipsum dolor sit amet, consectetur adipiscing elit."])
    proc = obligations("run", str(blank), "-o", str(tmp_path / "out"))
    assert_clean_failure(proc, 4, "nothing found")
    assert (tmp_path / "out" / "blank.json").exists()  # the result is written all the same


def test_missing_language_pack_is_named_once(tmp_path):
    for name in ("a.png", "b.png"):
        text_image(tmp_path / name, ["Фамилия ИВАНОВ"])
    proc = obligations("run", str(tmp_path), "-o", str(tmp_path / "out"), "--lang", "xyz")  # auto, as by default
    assert_clean_failure(proc, 3, "apt-get install tesseract-ocr-xyz (2 files need it)")
    assert proc.stderr.count("tesseract-ocr-xyz") == 1 and "tesseract-ocr-rus" not in proc.stderr


def test_forced_doc_type_on_a_page_that_does_not_look_like_it(tmp_path):
    pdf = snils_pdf(tmp_path)
    proc = obligations("run", str(pdf), "-o", str(tmp_path / "out"), "--doc-type", "passport", "-q")
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "out" / "card.json").read_text())
    assert result["documents"][0]["doc_type"] == "passport" and result["documents"][0]["confidence"] < 0.5
    assert any("--doc-type passport forced, but the page looks like a snils" in w for w in result["warnings"])
    fields = result["documents"][0]["fields"]
    assert all(f["valid"] is None for f in fields.values() if f["value"] is None)


def test_several_inputs_to_standard_output_are_one_json_document(tmp_path):
    snils_pdf(tmp_path / "in", "a.pdf")
    snils_pdf(tmp_path / "in", "b.pdf")
    proc = obligations("run", str(tmp_path / "in"), "-o", "-", "--overlay", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [r["source"]["path"] for r in json.loads(proc.stdout)] == [str(tmp_path / "in" / n) for n in ("a.pdf", "b.pdf")]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["a.p1.png", "b.p1.png"]  # overlays: the current folder


def _as_nobody(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           sys.executable, "-m", "obligations", *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd, env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)})


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root to switch to an unprivileged user")
def test_unreadable_folders_are_failed_inputs_and_the_rest_is_processed():
    base = Path(tempfile.mkdtemp(prefix="obligations-perm-"))  # not under pytest's 0700 folder
    try:
        base.chmod(0o777)
        snils_pdf(base / "in" / "ok")
        snils_pdf(base / "in" / "locked")
        snils_pdf(base / "other")
        for folder in base.rglob("*"):
            folder.chmod(0o777 if folder.is_dir() else 0o666)
        (base / "in" / "locked").chmod(0o000)
        (base / "other").chmod(0o000)
        proc = _as_nobody(["run", str(base / "in"), str(base / "other"), "-o", str(base / "out"), "-q"], base)
        assert_clean_failure(proc, 1, "in/locked: cannot read folder")
        assert "other: cannot read folder" in proc.stderr
        assert (base / "out" / "ok" / "card.json").exists()
        unwritable = _as_nobody(["run", str(base / "in" / "ok"), "-o", "/root/out"], base)
        assert_clean_failure(unwritable, 2, "cannot write there")
    finally:
        for folder in base.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o777)
        shutil.rmtree(base)


def test_timing_total_is_wall_time(tmp_path):
    pdf = snils_pdf(tmp_path)
    started = time.perf_counter()
    assert obligations("run", str(pdf), "-o", str(tmp_path / "out"), "-q").returncode == 0
    elapsed = time.perf_counter() - started
    timing = json.loads((tmp_path / "out" / "card.json").read_text())["timing_s"]
    assert 0 < timing["total"] < elapsed and timing["summed"] > 0


INTERRUPT_RUNS = 30


def test_interrupts_end_the_run_within_seconds_and_lose_nothing(tmp_path):
    """SIGINT to the process group (Ctrl-C) or SIGTERM to the main process, at random points of
    a batch of OCR'd images, 30 times: each run ends within 10 s with 130 / 143 (or 0 when it
    was done first), every output is whole, no temporary file is left."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(6):
        text_image(inputs / f"page{i}.png", SNILS_LINES)
    rng = random.Random(7)
    for attempt in range(INTERRUPT_RUNS):
        out = tmp_path / f"out{attempt}"
        proc = subprocess.Popen([sys.executable, "-m", "obligations", "run", str(inputs), "-o", str(out), "-q", "-j", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(rng.uniform(0.2, 4.0))
        interrupt = attempt % 2 == 0
        try:
            if interrupt:
                os.killpg(proc.pid, signal.SIGINT)
            else:
                proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"run {attempt} did not end within 10 s of its {'SIGINT' if interrupt else 'SIGTERM'}")
        stderr = proc.stderr.read()
        assert code in (0, 130 if interrupt else 143), stderr
        assert "Traceback" not in stderr, stderr
        left = [p.name for p in out.glob(".*")] if out.exists() else []
        assert not left, left
        for written in out.glob("*.json") if out.exists() else []:
            assert json.loads(written.read_text())["schema_version"] == "1"


@pytest.mark.parametrize("args, code, needle", [
    (["run"], 2, "Missing argument"),
    (["run", "x.pdf", "--jobs", "0"], 2, "--jobs"),
    (["run", "x.pdf", "--format", "xml"], 2, "--format"),
    (["run", "x.pdf", "--pages", "0"], 2, "pages start at 1"),
    (["synth"], 2, "Missing option"),
    (["synth", "--doc-type", "nope", "--out", "o"], 2, "--doc-type"),
    (["synth", "--doc-type", "snils", "--count", "0", "--out", "o"], 2, "--count"),
    (["synth", "--doc-type", "snils", "--count", "1", "--out", "a_file"], 2, "is a file, not a folder"),
    (["synth", "--doc-type", "snils", "--count", "1", "--out", "/proc/no/such"], 1, "/proc/no: No such file"),
    (["serve", "--port", "99999"], 2, "--port"),
    (["serve", "--host", "0.0.0.0"], 2, "--api-key"),
    (["doctor", "--bogus"], 2, "No such option"),
    (["bench", "run"], 2, "Missing argument"),
    (["bench", "run", "no_such.csv"], 2, "does not exist"),
    (["bench", "report", "no_such_dir"], 2, "does not exist"),
    (["bench", "prompts", "--data", "."], 2, "Missing option"),
])
def test_every_command_refuses_wrong_arguments_in_one_line(tmp_path, args, code, needle):
    (tmp_path / "a_file").write_text("x")
    proc = obligations(*args, cwd=tmp_path)
    assert_clean_failure(proc, code, needle)


def test_a_pool_manager_still_closing_after_an_interrupt_is_not_woken_at_exit(monkeypatch):
    """On a loaded machine the pool's manager thread may outlast the wait for it: the
    interpreter's exit hook would then wake it through the pipe it is closing ('Bad file
    descriptor', a traceback after the one-line message). Such a manager is taken off the
    hook's list; one that ended is left alone."""
    import threading
    from concurrent.futures import process as futures_process

    from obligations import pipeline

    release = threading.Event()
    manager = threading.Thread(target=release.wait, daemon=True)
    manager.start()

    class Pool:
        _processes: dict = {}
        _executor_manager_thread = manager

        def shutdown(self, wait, cancel_futures):
            pass

    wakeups = futures_process._threads_wakeups
    wakeups[manager] = object()
    monkeypatch.setattr(pipeline, "MANAGER_JOIN_S", 0.01)
    try:
        pipeline._stop_workers(Pool())
        assert manager not in wakeups
    finally:
        release.set()
        manager.join()
        wakeups.pop(manager, None)


def test_a_signal_while_a_finished_runs_pool_shuts_down_stops_its_workers(monkeypatch):
    """SIGTERM as the run's last page came back: the pool's shutdown is interrupted, and its
    workers are stopped as an interrupted run's are (else its manager thread, left closing,
    met the interpreter's exit: a traceback after the one-line message)."""
    from obligations import pipeline
    from obligations.errors import Terminated

    stopped = []

    class Pool:
        def shutdown(self, wait=True, cancel_futures=False):
            raise Terminated()

    monkeypatch.setattr(pipeline, "_stop_workers", stopped.append)
    pool = Pool()
    with pytest.raises(Terminated):
        pipeline._shut_down(pool)
    assert stopped == [pool]


def test_an_interrupt_turned_into_another_error_by_an_import_still_ends_the_run_as_interrupted(tmp_path, monkeypatch):
    """Ctrl-C arriving while numpy loads comes out of its import as 'numpy._core.multiarray
    failed to import': the run still ends with the interrupt's one line and exit code, no
    traceback."""
    from click.testing import CliRunner

    import obligations.cli as cli
    from obligations.pipeline import Pipeline

    def interrupted_import(self, *args, **kwargs):
        try:
            cli._interrupt(signal.SIGINT, None)
        except KeyboardInterrupt:
            raise ImportError("numpy._core.multiarray failed to import") from None

    monkeypatch.setattr(signal, "signal", lambda *args: None)  # the test process keeps its handlers
    monkeypatch.setattr(cli, "_signalled", [])
    monkeypatch.setattr(Pipeline, "run", interrupted_import)
    page = text_image(tmp_path / "page.png", SNILS_LINES)
    result = CliRunner().invoke(cli.main, ["run", str(page), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 130, result.output
    assert "interrupted; finished files are kept" in result.output and "Traceback" not in result.output
