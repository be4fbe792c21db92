"""Time budgets: how long an operation may still take, and the error once it is spent.

A feed poll cuts each of its requests to what its budget has left; sumy's slower summarizers
check theirs inside their loops. Each says what running out means by its own error.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .errors import NewsbriefError


class Budget:
    """``seconds`` of wall-clock time from now (``None``: no limit)."""

    def __init__(self, seconds: float | None, clock: Callable[[], float] | None = None) -> None:
        self.seconds = seconds
        self.clock = clock if clock is not None else time.monotonic
        self.end = None if seconds is None else self.clock() + seconds

    def error(self) -> NewsbriefError:
        """The error raised once the budget is spent (subclasses say what ran out)."""
        return NewsbriefError(f"ran out of its {self.seconds:g} s budget")

    def left(self) -> float | None:
        """Seconds left (``None``: no limit)."""
        return None if self.end is None else self.end - self.clock()

    @property
    def expired(self) -> bool:
        """Whether the time is up."""
        left = self.left()
        return left is not None and left <= 0

    def check(self) -> None:
        """Raise :meth:`error` when the time is up."""
        if self.expired:
            raise self.error()

    def timeout(self, cap: float | None = None) -> float | None:
        """How long the next wait may take: ``cap`` within what is left; raises when none is."""
        self.check()
        left = self.left()
        if left is None:
            return cap
        return left if cap is None else min(cap, left)
