"""CPU throughput, side by side in one run (never a timed test: this machine is noisy).

(a) the full `obligations run` on N generated scanned pages (PNG, 300 dpi, mixed types: the
    five document types and, as a sixth kind, SNILS cards scanned alone at their real size,
    85.6 x 54 mm = about 1010 x 640 px, whose few pixels make a run's per-page and start-up
    costs weigh most against the bare CLI's),
(b) the bare `tesseract` CLI on the same pages with the same cores (one process per core,
    OMP_THREAD_LIMIT=1, rus+eng, TSV output),
(c) digital PDFs through the text-layer path, start-up counted (the median of `--rounds`
    runs of one `obligations run` on all of them, each into a fresh folder),
(d) peak memory of the whole process tree on one 50-page scanned PDF.
Prints pages/s, the ratio a/b and peak memory (PSS and RSS, summed over the process tree).
Times come from runs nobody watches: sampling memory (each process's smaps_rollup, 20 times
a second) slows the run it watches (same code, consecutive runs here: a/b 0.79 watched, 0.87
not), so memory is taken in runs of its own.
The package's bytecode is compiled before anything is timed, as an installed package's is:
under PYTHONDONTWRITEBYTECODE=1 (set in this project's shells) every run would otherwise
compile each module edited since its .pyc was written (measured: with no .pyc at all, a
one-file digital run 0.18 -> 0.21-0.23 s).

    python benchmarks/cpu_throughput.py [--pages 20] [--jobs 2] [--digital 200] [--rounds 3] [--parts abcd]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import obligations
from obligations.synth import DOC_TYPES, bundle, generate


# A SNILS card scanned alone at 300 dpi: the card is 85.6 mm wide, and the synthetic card
# (about 2300 px wide with its margin) is drawn at twice that scale.
CARD_WIDTH_PX = round(85.6 / 25.4 * 300) + 40


def make_scans(folder: Path, pages: int) -> list[Path]:
    """`pages` scans taken in turn from each kind (the five types, then card-sized SNILS), so
    that any count is a mix."""
    kinds = [*DOC_TYPES, "snils-card"]
    per_kind = -(-pages // len(kinds))
    by_kind = {}
    for doc_type in DOC_TYPES:
        by_kind[doc_type] = generate(doc_type, per_kind, folder / doc_type, degrade="scan", fmt="png", seed=3)
    by_kind["snils-card"] = card_sized_snils(folder / "snils-card", per_kind)
    mixed = [paths[i] for i in range(per_kind) for paths in (by_kind[k] for k in kinds) if i < len(paths)]
    return mixed[:pages]


def card_sized_snils(folder: Path, count: int) -> list[Path]:
    """SNILS cards scanned alone (the synthetic ones mounted on a card, not on A4), scaled down
    to the card's size at 300 dpi."""
    from PIL import Image

    written, batch = [], 0
    while len(written) < count:
        batch += 1
        for path in generate("snils", 2 * count, folder / f"all{batch}", degrade="scan", fmt="png", seed=30 + batch):
            with Image.open(path) as image:
                if image.width < image.height * 1.2:  # mounted on A4: not a card alone
                    continue
                height = round(image.height * CARD_WIDTH_PX / image.width)
                card = image.convert("L").resize((CARD_WIDTH_PX, height), Image.Resampling.LANCZOS)
            target = folder / f"snils_card_{len(written):04d}.png"
            card.save(target, dpi=(300, 300))
            written.append(target)
            if len(written) == count:
                break
    return written


def run_obligations(inputs: list[Path], out: Path, jobs: int, *extra: str,
                    watch_memory: bool = False) -> tuple[float, "PeakRss | None"]:
    """Seconds of one `obligations run`, and with `watch_memory` the peak memory of its whole
    process tree (the seconds of such a run include the watching)."""
    command = [sys.executable, "-m", "obligations", "run", *map(str, inputs), "--out", str(out),
               "--jobs", str(jobs), "-q", *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peak = PeakRss(process.pid) if watch_memory else None
    if peak is not None:
        peak.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    if peak is not None:
        peak.stop()
    if process.returncode != 0:
        sys.exit(f"obligations run failed ({process.returncode}): {stderr.strip()[-500:]}")
    return elapsed, peak


def run_bare_tesseract(pages: list[Path], jobs: int, lang: str) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(page: Path) -> None:
        subprocess.run(["tesseract", str(page), "-", "-l", lang, "--psm", "4", "tsv"],
                       capture_output=True, check=True, env=env)

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - started


class PeakRss(threading.Thread):
    """Samples the memory of a process and all its descendants every 50 ms: PSS summed (shared
    pages counted once, split between the processes sharing them: forked workers share the
    libraries) and, for comparison, RSS summed (shared pages counted in every process)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.value, self.rss_sum, self._stop_flag = pid, 0, 0, threading.Event()

    def run(self) -> None:
        while not self._stop_flag.is_set():
            tree = _tree(self.pid)
            self.value = max(self.value, sum(_memory(p, "Pss:") for p in tree))
            self.rss_sum = max(self.rss_sum, sum(_memory(p, "Rss:") for p in tree))
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop_flag.set()
        self.join()


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _memory(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _mb(peak: "PeakRss") -> str:
    return f"peak memory {peak.value / 2**20:.0f} MB PSS ({peak.rss_sum / 2**20:.0f} MB RSS summed)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20, help="scanned pages for (a) and (b)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--digital", type=int, default=200, help="digital PDF pages for (c)")
    parser.add_argument("--rss-pages", type=int, default=50, help="pages of the scanned PDF for (d)")
    parser.add_argument("--lang", default="rus+eng")
    parser.add_argument("--rounds", type=int, default=3, help="(a) and (b), and (c), taken this many times")
    parser.add_argument("--parts", default="abcd", help="which measurements to take, e.g. c ((a) and (b) go together)")
    args = parser.parse_args()
    if "a" in args.parts or "b" in args.parts:
        if shutil.which("tesseract") is None:
            sys.exit("the tesseract CLI is needed for the comparison: apt-get install tesseract-ocr")

    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if "a" in args.parts or "b" in args.parts:
            compare_with_tesseract(root, args)
        if "c" in args.parts:
            digital_pdfs(root, args)
        if "d" in args.parts:
            big_scanned_pdf(root, args)


def compile_bytecode() -> None:
    """The package's .pyc files written (those already current are kept)."""
    import compileall

    compileall.compile_dir(str(Path(obligations.__file__).parent), quiet=1)


def compare_with_tesseract(root: Path, args) -> None:
    scans = make_scans(root / "scans", args.pages)
    cards = sum("snils_card" in p.name for p in scans)
    print(f"{len(scans)} scanned pages (mixed types, {cards} of them card-sized, 300 dpi), {args.jobs} workers, "
          f"lang {args.lang}")

    # (a) and (b) taken in turn, `--rounds` times, the order swapped each round: on a
    # shared machine the speed drifts by tens of per cent between minutes, so the ratio of
    # two runs taken side by side means more than two rates taken apart.
    ratios, bare_times, full_times = [], [], []
    for round_number in range(args.rounds):
        order = ("b", "a") if round_number % 2 == 0 else ("a", "b")
        for which in order:
            if which == "b":
                bare_times.append(run_bare_tesseract(scans, args.jobs, args.lang))
            else:
                full_times.append(run_obligations(scans, root / f"out_a{round_number}", args.jobs,
                                                  "--lang", args.lang)[0])
        ratios.append(bare_times[-1] / full_times[-1])
        print(f"    round {round_number + 1}: (b) {bare_times[-1]:.1f} s, (a) {full_times[-1]:.1f} s, "
              f"a/b {ratios[-1]:.2f}")
    bare_rate = len(scans) / statistics.median(bare_times)
    full_rate = len(scans) / statistics.median(full_times)
    print(f"(b) bare tesseract CLI      {bare_rate:6.2f} pages/s  (median of {args.rounds})")
    _, full_rss = run_obligations(scans, root / "out_a_watched", args.jobs, "--lang", args.lang, watch_memory=True)
    print(f"(a) obligations run         {full_rate:6.2f} pages/s  (median of {args.rounds}), {_mb(full_rss)}")
    print(f"    ratio a/b               {statistics.median(ratios):6.2f}   (median of the rounds; target >= 0.9)")


def digital_pdfs(root: Path, args) -> None:
    digital_dir = root / "digital"
    per_type = -(-args.digital // len(DOC_TYPES))
    for doc_type in DOC_TYPES:
        generate(doc_type, per_type, digital_dir, degrade="none", fmt="digital-pdf", seed=4)
    digital = sorted(digital_dir.glob("*.pdf"))
    # Each run writes into a folder of its own: replacing files that exist costs ext4 a
    # flush per file (measured: 2 ms a file), which a first run into an output folder
    # does not pay.
    digital_s = statistics.median(run_obligations(digital, root / f"out_c{i}", args.jobs)[0]
                                  for i in range(args.rounds))
    _, digital_rss = run_obligations(digital, root / "out_c_watched", args.jobs, watch_memory=True)
    # The same command on one file: what a run costs before its first page (imports, model
    # probe, worker start, exit), so the rate a long batch settles at can be told apart from it.
    startup_s = statistics.median(run_obligations(digital[:1], root / f"out_c1_{i}", args.jobs)[0]
                                  for i in range(max(3, args.rounds)))
    steady = (len(digital) - 1) / max(digital_s - startup_s, 1e-9)
    print(f"(c) digital PDFs, text layer {len(digital) / digital_s:6.1f} pages/s  ({len(digital)} pages, "
          f"{digital_s:.2f} s incl. start-up, median of {args.rounds}), {_mb(digital_rss)}   (target >= 150)")
    print(f"    after start-up           {steady:6.1f} pages/s  (a one-file run takes {startup_s:.2f} s, median)")


def big_scanned_pdf(root: Path, args) -> None:
    pdf_parts = root / "pdf_parts"
    per_type = -(-args.rss_pages // len(DOC_TYPES))
    for doc_type in DOC_TYPES:
        generate(doc_type, per_type, pdf_parts, degrade="scan", fmt="pdf", seed=5)
    big = root / "big.pdf"
    bundle(big, sorted(pdf_parts.glob("*.pdf"))[: args.rss_pages])
    big_s, big_rss = run_obligations([big], root / "out_d", args.jobs, watch_memory=True)
    print(f"(d) {args.rss_pages}-page scanned PDF      {args.rss_pages / big_s:6.2f} pages/s (memory watched), "
          f"{_mb(big_rss)}   (target < 400 MB)")


if __name__ == "__main__":
    main()
