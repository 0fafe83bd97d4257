"""bench/RESULTS.md, which several benchmarks write: each its own block between its markers."""

import re
from pathlib import Path


def markers(script: str) -> tuple[str, str]:
    """The markers around `script`'s block ("bench/search_bench.py")."""
    return (
        f"<!-- {script}: begin (generated; edit outside these markers) -->",
        f"<!-- {script}: end -->",
    )


def write_between_markers(path: Path, script: str, block: str) -> None:
    """`script`'s block in `path` replaced, or added at the end; the rest of the file is kept."""
    begin, end = markers(script)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    new = f"{begin}\n{block}{end}\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: new, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + new
    path.write_text(text)
