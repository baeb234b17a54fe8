"""Secrets in the logs of the whole suite run (issue 11): every test's captured output (stdout, stderr,
log records) is scanned for credentials; one found fails the run at its end (tests/conftest.py).

What a credential looks like here: a JWT (three base64url parts, the first two JSON objects), an API
key (``pmk_<id>_<secret>``) and the
passwords the suite's fixtures sign in with. The test client's own request lines (httpx, the
caller's side) are not the server's log and are skipped.
"""

from __future__ import annotations

import re

CREDENTIAL = re.compile(
    r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}"  # a JWT
    r"|pmk_[A-Za-z0-9]{8}_[\w-]{16,}"  # an API key
    r"|correct horse battery|a long password|a brand new password"  # the fixtures' passwords
)


def leaks_in(text: str) -> list[str]:
    """The lines of ``text`` that carry a credential (client-side httpx lines excepted)."""
    return [line for line in text.splitlines() if "httpx" not in line and CREDENTIAL.search(line)]
