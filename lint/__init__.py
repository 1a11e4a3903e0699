"""assume-lint: a static linter for AWS assume-role setups.

Kept to the version string only, so that ``assume-lint --version`` imports
nothing else (pre-commit start-up time matters).
"""

from __future__ import annotations

__version__ = "0.1.0"
