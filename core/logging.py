"""One log line per event, so that stdout can be read and searched line by line."""

import logging
import threading
import time


class OneLineFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record):
        line = super().format(record)
        request = getattr(record, "request", None)
        status = getattr(record, "status_code", None)
        if request is not None and hasattr(request, "path"):
            line += f" method={request.method} path={request.path}"
        if status is not None:
            line += f" status={status}"
        # Tracebacks and multi-line messages are folded onto the same line.
        return line.replace("\r", "").replace("\n", " ⏎ ")


class RedisFaults(logging.Filter):
    """django-redis's ignored faults, at most one warning a minute per process, on one line.

    While Redis is down every cache operation fails (a miss, config/caches.py), and django-redis
    would log each with a full traceback, as an error that error reporting sends on: thousands a
    minute. The one let through says what failed and how many were left out since the last.
    """

    seconds = 60

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._next = 0.0
        self._left_out = 0

    def filter(self, record):
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                self._left_out += 1
                return False
            self._next = now + self.seconds
            left_out, self._left_out = self._left_out, 0
        fault = record.exc_info[1] if record.exc_info else None
        fault = getattr(fault, "__cause__", None) or fault
        cause = f"{type(fault).__name__}: {fault}" if fault else record.getMessage()
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = "Redis unavailable, cache skipped (%s); %d more faults since the last warning"
        record.args = (cause, left_out)
        record.exc_info = record.exc_text = record.stack_info = None
        return True
