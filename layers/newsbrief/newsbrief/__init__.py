"""newsbrief: turn news article URLs into briefs.

The core library knows nothing about Lambda. Stages, each in its own module:
fetch -> extract -> summarize -> entities -> store, ordered by ``pipeline``.
Importing the package itself is cheap: stages are imported where they are used.
"""

__version__ = "0.1.0"
