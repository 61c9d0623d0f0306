"""Scenario batches as tasks on a dask distributed cluster (the optional extra
``actuary[distributed]``).

:func:`connect` starts a local cluster of worker processes on the loopback interface, or
connects to an existing scheduler; :func:`run_on_cluster` sends the run's model to every
worker once, submits one task per batch (:func:`~actuary.studies.stochastic.runner.run_batch`)
and hands each batch's results over as it finishes, so only the per-year values are ever
gathered. Scenario ``i`` draws the same numbers on any worker, so the results are those
of the same run in one process.

The engine's compiled code is cached on disk (numba, ``NUMBA_CACHE_DIR``): local workers
inherit the variable, so they load the cache instead of compiling again; on a real
cluster, point it at a folder the workers share (see the README).
"""

from __future__ import annotations

import os
from typing import Any, Callable

from actuary.io.errors import ActuaryError
from actuary.studies.stochastic.runner import run_batch

__all__ = ["connect", "run_on_cluster"]


def _dask() -> Any:
    try:
        import dask.distributed as dd
    except ImportError:
        raise ActuaryError("dask is not installed, so scenarios cannot run on a cluster",
                           field="--workers/--scheduler",
                           expected='pip install "actuary[distributed]" (or run without '
                                    '--workers and --scheduler)') from None
    return dd


def connect(workers: int | None = None, scheduler: str | None = None) -> tuple[Any, Any]:
    """``(client, cluster)``: a local cluster of ``workers`` single-threaded processes
    (cluster closed by the caller), or a client of the scheduler at ``scheduler``
    (cluster None)."""
    dd = _dask()
    if scheduler is not None:
        try:
            return dd.Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise ActuaryError(f"cannot reach the dask scheduler ({exc})", field="--scheduler",
                               value=scheduler, expected="the address of a running scheduler, "
                                                         "e.g. tcp://host:8786") from None
    env = {k: os.environ[k] for k in ("NUMBA_CACHE_DIR",) if k in os.environ}
    cluster = dd.LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None, env=env)
    return dd.Client(cluster), cluster


def run_on_cluster(client: Any, model: Any, seed: int, plan: list[tuple[int, int]], mode: str,
                   exposures: Any, add: Callable[[Any], None],
                   progress: Callable[[str], None] | None = None) -> None:
    """Run the batches ``plan`` on ``client``'s workers; ``add`` each result as it comes."""
    dd = _dask()
    say = progress or (lambda _m: None)
    shared = client.scatter(model, broadcast=True)
    exp = client.scatter(exposures, broadcast=True) if exposures is not None else None
    futures = [client.submit(run_batch, shared, seed, start, count, mode, 1, exp, pure=False)
               for start, count in plan]
    done = 0
    for fut in dd.as_completed(futures):
        add(fut.result())
        fut.release()
        done += 1
        if done % max(1, len(plan) // 10) == 0:
            say(f"  {done} of {len(plan)} batches done")
