"""One log line per event, so that stdout can be read and searched line by line."""

import logging


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
