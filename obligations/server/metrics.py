"""Prometheus text exposition of the server's counters, gauges and histograms."""

from __future__ import annotations

import threading
from collections import defaultdict

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32)


class Counter:
    def __init__(self, name: str, help_text: str):
        self.name, self.help = name, help_text
        self._values: dict[tuple, float] = defaultdict(float)
        self._lock = threading.Lock()

    def inc(self, amount: float = 1.0, **labels) -> None:
        with self._lock:
            self._values[tuple(sorted(labels.items()))] += amount

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        with self._lock:
            for labels, value in sorted(self._values.items()):
                lines.append(f"{self.name}{_labels(labels)} {value:g}")
        return lines


class Gauge:
    def __init__(self, name: str, help_text: str):
        self.name, self.help, self.value = name, help_text, 0.0

    def set(self, value: float) -> None:
        self.value = float(value)

    def render(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} gauge", f"{self.name} {self.value:g}"]


class Histogram:
    def __init__(self, name: str, help_text: str, buckets: tuple):
        self.name, self.help, self.buckets = name, help_text, buckets
        self._counts: dict[tuple, list[int]] = {}
        self._sums: dict[tuple, float] = defaultdict(float)
        self._lock = threading.Lock()

    def observe(self, value: float, **labels) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            counts = self._counts.setdefault(key, [0] * (len(self.buckets) + 1))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[i] += 1
            counts[-1] += 1
            self._sums[key] += value

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        with self._lock:
            for key, counts in sorted(self._counts.items()):
                for bound, count in zip(self.buckets, counts):
                    lines.append(f"{self.name}_bucket{_labels(key + (('le', f'{bound:g}'),))} {count}")
                lines.append(f"{self.name}_bucket{_labels(key + (('le', '+Inf'),))} {counts[-1]}")
                lines.append(f"{self.name}_sum{_labels(key)} {self._sums[key]:g}")
                lines.append(f"{self.name}_count{_labels(key)} {counts[-1]}")
        return lines


class Metrics:
    def __init__(self):
        self.requests = Counter("obligations_requests_total", "HTTP requests by endpoint and status")
        self.errors = Counter("obligations_errors_total", "Requests answered with a 4xx or 5xx status")
        self.latency = Histogram("obligations_request_seconds", "Request latency", LATENCY_BUCKETS)
        self.queue_depth = Gauge("obligations_queue_depth", "Requests waiting or running")
        self.batch_size = Histogram("obligations_batch_size", "Requests per generate call", BATCH_BUCKETS)
        self.vram_used = Gauge("obligations_vram_used_bytes", "GPU memory allocated by the model")

    def render(self) -> str:
        parts = [self.requests, self.errors, self.latency, self.queue_depth, self.batch_size, self.vram_used]
        return "\n".join(line for metric in parts for line in metric.render()) + "\n"


def _labels(pairs: tuple) -> str:
    if not pairs:
        return ""
    inner = ",".join(f'{k}="{str(v)}"' for k, v in pairs)
    return "{" + inner + "}"
