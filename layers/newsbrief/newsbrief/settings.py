"""Settings read from the environment once, validated, with no silent fallbacks for resources."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
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


def env_number(
    environ: Mapping[str, str],
    name: str,
    default: float,
    kind: Callable[[str], float] = float,
    zero_allowed: bool = False,
) -> float:
    """The positive number (``kind``: float or int) in ``environ[name]``; ``default`` if unset.

    ``zero_allowed`` also accepts 0 (a switch-off value). Anything else is an
    :class:`InvalidInput` naming the variable: a typo in a deployment's settings fails at
    start-up, not as a silent fallback.
    """
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise InvalidInput(f"environment variable {name} must be a number, got {raw!r}") from None
    if value < 0 or (value == 0 and not zero_allowed):
        least = "0 or more" if zero_allowed else "positive"
        raise InvalidInput(f"environment variable {name} must be {least}, got {raw!r}")
    return value


def _ports(environ: Mapping[str, str], name: str) -> frozenset[int]:
    """A comma-separated list of TCP ports (empty when unset)."""
    raw = environ.get(name, "").strip()
    if not raw:
        return frozenset()
    try:
        ports = frozenset(int(p) for p in raw.split(",") if p.strip())
    except ValueError:
        raise InvalidInput(f"{name} must be a comma-separated list, got {raw!r}") from None
    if not ports or any(not 0 < p < 65536 for p in ports):
        raise InvalidInput(f"{name} holds an invalid port: {raw!r}")
    return ports


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
    # Loopback ports refused even with allow_loopback: the local stack sets its own moto and
    # gateway ports here, so no request can make its functions talk to them.
    denied_loopback_ports: frozenset[int] = frozenset()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FetchSettings:
        """Build fetch settings from ``NEWSBRIEF_*`` environment variables."""
        env = os.environ if environ is None else environ
        # With slots=True the class attributes are slot descriptors, not the defaults.
        base = cls()
        ports = _ports(env, "NEWSBRIEF_ALLOWED_PORTS") or base.allowed_ports
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
            connect_timeout=env_number(env, "NEWSBRIEF_CONNECT_TIMEOUT", base.connect_timeout),
            read_timeout=env_number(env, "NEWSBRIEF_READ_TIMEOUT", base.read_timeout),
            total_timeout=env_number(env, "NEWSBRIEF_TOTAL_TIMEOUT", base.total_timeout),
            max_bytes=int(env_number(env, "NEWSBRIEF_MAX_BYTES", base.max_bytes, int)),
            max_redirects=int(env_number(env, "NEWSBRIEF_MAX_REDIRECTS", base.max_redirects, int)),
            user_agent=env.get("NEWSBRIEF_USER_AGENT") or base.user_agent,
            allow_loopback=allow_loopback,
            allowed_ports=ports,
            denied_loopback_ports=_ports(env, "NEWSBRIEF_DENIED_LOOPBACK_PORTS"),
        )
