"""The suite-wide log scan (tests/log_leaks.py) recognises what it looks for, and nothing else."""

from __future__ import annotations

from log_leaks import leaks_in


def test_credentials_are_found_in_log_lines():
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQtaGVyZQ"
    lines = [
        f'{{"event": "request", "authorization": "Bearer {jwt}"}}',
        "api key pmk_AbCd1234_Zm9vYmFyYmF6cXV4cXV1eA in a message",
        '{"event": "login", "password": "correct horse battery"}',
    ]
    assert leaks_in("\n".join(lines)) == lines


def test_ordinary_lines_and_the_clients_own_lines_are_not():
    text = "\n".join(
        [
            '{"event": "request", "path": "/api/v1/properties", "status": 200}',
            '{"password": "***", "token": "***"}',
            "INFO httpx: HTTP Request: POST http://testserver/x?token=eyJabcdefghij.eyJabcdefghij.abcdefghijk",
        ]
    )
    assert leaks_in(text) == []
