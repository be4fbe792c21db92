"""Settings read from the environment once, validated, with no silent fallbacks for resources."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import InvalidInput

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(environ: Mapping[str, str], name: str, default: bool = False) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInput(f"environment variable {name} must be 0 or 1, got {raw!r}")


def _number(environ: Mapping[str, str], name: str, default: float, kind: type = float) -> float:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise InvalidInput(f"environment variable {name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise InvalidInput(f"environment variable {name} must be positive, got {raw!r}")
    return value


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits and policy of the fetch stage."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    # Whole-request deadline: a slow-drip server must not hold a worker for long.
    total_timeout: float = 25.0
    # 5 MiB of HTML is far more than any real article page; beyond that it is abuse.
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "newsbrief/0.1 (+https://github.com/newsbrief/newsbrief)"
    # Local development and tests only: lets fetch reach 127.0.0.0/8 and ::1 (nothing else).
    allow_loopback: bool = False
    allowed_ports: frozenset[int] = field(default_factory=lambda: frozenset({80, 443}))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FetchSettings:
        """Build fetch settings from ``NEWSBRIEF_*`` environment variables."""
        env = os.environ if environ is None else environ
        # With slots=True the class attributes are slot descriptors, not the defaults.
        base = cls()
        ports_raw = env.get("NEWSBRIEF_ALLOWED_PORTS", "").strip()
        ports = base.allowed_ports
        if ports_raw:
            try:
                ports = frozenset(int(p) for p in ports_raw.split(",") if p.strip())
            except ValueError:
                raise InvalidInput(
                    f"NEWSBRIEF_ALLOWED_PORTS must be a comma-separated list, got {ports_raw!r}"
                ) from None
            if not ports or any(not 0 < p < 65536 for p in ports):
                raise InvalidInput(f"NEWSBRIEF_ALLOWED_PORTS holds an invalid port: {ports_raw!r}")
        allow_loopback = _flag(env, "NEWSBRIEF_ALLOW_LOOPBACK")
        # The real Lambda runtime sets AWS_EXECUTION_ENV=AWS_Lambda_<runtime>; the local stack
        # does not. Refusing to start there makes the development switch impossible to enable
        # in a deployment, whatever a template or console edit sets.
        if allow_loopback and env.get("AWS_EXECUTION_ENV", "").startswith("AWS_Lambda_"):
            raise InvalidInput(
                "NEWSBRIEF_ALLOW_LOOPBACK is for local development and cannot be enabled on "
                "AWS Lambda"
            )
        return cls(
            connect_timeout=_number(env, "NEWSBRIEF_CONNECT_TIMEOUT", base.connect_timeout),
            read_timeout=_number(env, "NEWSBRIEF_READ_TIMEOUT", base.read_timeout),
            total_timeout=_number(env, "NEWSBRIEF_TOTAL_TIMEOUT", base.total_timeout),
            max_bytes=int(_number(env, "NEWSBRIEF_MAX_BYTES", base.max_bytes, int)),
            max_redirects=int(_number(env, "NEWSBRIEF_MAX_REDIRECTS", base.max_redirects, int)),
            user_agent=env.get("NEWSBRIEF_USER_AGENT") or base.user_agent,
            allow_loopback=allow_loopback,
            allowed_ports=ports,
        )
