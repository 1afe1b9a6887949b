"""A stand-in for the validation a ``/validate`` child runs, for the time-limit test.

It must be importable by module name: the child that runs it is forked from the forkserver,
which unpickles the function by reference. A body that starts with ``# sleep`` sleeps far past
any limit; any other body is answered at once, so the test depends on no machine's speed.
"""

from __future__ import annotations

import time
from typing import Any

from icgraph.api.routes.validation import Outcome

SLEEP_MARKER = b"# sleep"


def validate_and_render(body: bytes, *_: Any) -> Outcome:
    if body.startswith(SLEEP_MARKER):
        time.sleep(600)
    return Outcome(body=b"answered: " + body[:40])
