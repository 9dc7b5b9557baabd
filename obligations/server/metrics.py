"""The server's Prometheus metrics, kept by prometheus-client in a registry of the app's own.

Requests are labelled by route template ("/review/api/items/{item_id}"), never by the path
asked for: a path of the client's choosing would add a series per path forever, and
prometheus-client escapes whatever label values there are. Paths that match no route share
the label "unmatched".
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import ProcessCollector, disable_created_metrics

disable_created_metrics()  # the *_created series only double the page

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32)
UNMATCHED = "unmatched"


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self):
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        ProcessCollector(registry=r)  # process_resident_memory_bytes, open fds, CPU seconds
        self.requests = Counter("obligations_requests", "HTTP requests by route template and status",
                                ["endpoint", "status"], registry=r)
        self.errors = Counter("obligations_errors", "Requests answered with a 4xx or 5xx status",
                              ["endpoint", "status"], registry=r)
        self.latency = Histogram("obligations_request_seconds", "Request latency by route template", ["endpoint"],
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.queue_depth = Gauge("obligations_queue_depth", "Requests waiting or running", registry=r)
        self.batch_size = Histogram("obligations_batch_size", "Requests per generate call", buckets=BATCH_BUCKETS,
                                    registry=r)
        self.vram_used = Gauge("obligations_vram_used_bytes", "GPU memory the process holds now (not the peak)",
                               registry=r)
        self.jobs = Counter("obligations_jobs", "Jobs the workers ran, by kind and outcome", ["kind", "outcome"],
                            registry=r)

    def observe_request(self, endpoint: str, status: int, seconds: float) -> None:
        self.requests.labels(endpoint, str(status)).inc()
        if status >= 400:
            self.errors.labels(endpoint, str(status)).inc()
        self.latency.labels(endpoint).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
