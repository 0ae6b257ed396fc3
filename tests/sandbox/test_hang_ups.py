"""A client hanging up on the sandbox portal is not reported as the server's error."""

from __future__ import annotations

import socket
import struct
import time

import pytest

from observatory.sandbox.server import Sandbox


def test_a_client_resetting_its_connection_leaves_no_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    sandbox = Sandbox(port=0, host_count=1).start()
    try:
        host, port = sandbox.portal_url.removeprefix("http://").split(":")
        for _ in range(5):
            client = socket.create_connection((host, int(port)))
            client.sendall(b"GET /api/1/datasets/ HT")  # half a request line, then a reset
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        time.sleep(0.5)
        still_up = socket.create_connection((host, int(port)))
        still_up.sendall(b"GET /api/1/datasets/ HTTP/1.0\r\n\r\n")
        assert still_up.recv(12).startswith(b"HTTP/1.")  # still answering
        still_up.close()
    finally:
        sandbox.stop()
    assert "Traceback" not in capfd.readouterr().err
