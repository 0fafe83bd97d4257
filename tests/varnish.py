"""A varnishd of the tests' own, with the project's VCL (deploy/varnish/default.vcl) in front of
a backend on a given port: its own working directory, in the foreground of a subprocess."""

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vcl_for_backend(port: int) -> str:
    """The project's VCL with its backend on `port` instead of 8001."""
    text, count = re.subn(r'\.port = "8001";', f'.port = "{port}";', VCL.read_text(), count=1)
    assert count == 1, "deploy/varnish/default.vcl no longer names its backend's port"
    return text


class Varnish:
    def __init__(self, folder: Path, backend_port: int):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.vcl = folder / "site.vcl"
        self.vcl.write_text(vcl_for_backend(backend_port))
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                # No switch to the varnish user: it could not read the tests' private folders.
                "-j",
                "none",
                "-n",
                str(self.folder / "work"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-f",
                str(self.vcl),
                "-s",
                "malloc,64m",
                # One thread pool of few threads: enough for tests, light on a small machine.
                "-p",
                "thread_pools=1",
                "-p",
                "thread_pool_min=5",
                # Banned objects go at once (not after a minute), so object counts settle.
                "-p",
                "ban_lurker_age=0",
                # Each worker adds to the counters after every job, not after up to ten.
                "-p",
                "thread_stats_rate=1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(100):
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd stopped: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("varnishd did not answer")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def purge_all(self, host="127.0.0.1"):
        """Ban everything on `host`, and wait until no object is left."""
        request = urllib.request.Request(f"{self.url}/*", method="PURGE", headers={"Host": host})
        with urllib.request.urlopen(request, timeout=10):
            pass
        if self.counter(expected=0) != 0:
            raise RuntimeError("banned objects were not removed")

    def counter(self, name="MAIN.n_object", expected=None) -> int:
        """A varnishstat counter. Worker threads add to the counters now and then, not at once
        (later still on a busy machine): wait up to ten seconds for `expected`, or one second
        before reading."""
        if expected is None:
            time.sleep(1)
        for _ in range(100):
            output = subprocess.run(
                ["varnishstat", "-n", str(self.folder / "work"), "-1", "-f", name],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            value = int(output.split()[1])
            if expected is None or value == expected:
                break
            time.sleep(0.1)
        return value
