"""Every private or internal name of a library this site uses, one module per library.

Nothing outside this package may use one. Each module's test (tests/test_adapters.py) runs the
library's own public behaviour beside ours and fails when an upgrade makes them differ: that
test, not a reading of the library's source, tells the next maintainer what broke first.
"""
