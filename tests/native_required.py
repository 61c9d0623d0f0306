"""Tests that need the engine's modules compiled at install (``actuary.engine.native``).

``pip install`` builds them (setup.py). Where it could not (no C compiler), these tests
skip; under ``ACTUARY_REQUIRE_NATIVE=1``, which ``.ci/run`` sets after its install, they
fail instead, so CI cannot pass with the modules silently missing.
"""

from __future__ import annotations

import os

import pytest


def require_native(name: str, args: tuple, why: str) -> None:
    """Skip the calling test (fail under ``ACTUARY_REQUIRE_NATIVE=1``) unless the compiled
    module of entry ``name`` is installed and right for ``args``; ``why`` says what the
    test needs it for."""
    from actuary.engine import native

    if native.available(name, args):
        return
    if os.environ.get("ACTUARY_REQUIRE_NATIVE") == "1":
        pytest.fail(f"ACTUARY_REQUIRE_NATIVE=1 but the compiled module of {name} is not "
                    f"installed, not right for these arguments or switched off ({why})")
    pytest.skip(f"no compiled module of {name} (built by pip install): {why}")
