"""Keep a process's outbound connections on this machine: every name resolves to a sink.

Put this folder on ``PYTHONPATH`` of a child process (the local stack under a fuzzer) with
``NEWSBRIEF_DNS_SINK=127.0.0.2:PORT`` naming a loopback port that nothing listens on. Python
imports ``sitecustomize`` at start-up in every interpreter, including the stack's spawned
function processes, so:

* any host name other than ``localhost``, and any IP literal outside 127.0.0.1 and ::1,
  resolves to the sink address, and
* any connection to the sink address goes to the sink port, whatever port the URL named.

A generated URL therefore ends in a refused loopback connection (``fetch_failed``), never in
traffic off the machine, while the stack still reaches its own moto server on 127.0.0.1.
"""

from __future__ import annotations

import os
import socket

_SINK = os.environ.get("NEWSBRIEF_DNS_SINK", "")
_PASS_THROUGH = {"localhost", "127.0.0.1", "::1"}

if _SINK:
    _sink_host, _, _sink_port = _SINK.rpartition(":")
    _real_getaddrinfo = socket.getaddrinfo

    def _sunk_getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name in _PASS_THROUGH:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
             (_sink_host, int(_sink_port)))
        ]

    socket.getaddrinfo = _sunk_getaddrinfo
