"""The references for training throughput: pgcore on this machine, outside the browser.

Both run the figure's own settings (the data-config of the built page's figure):
- the learner alone: the figure's algorithm (pgcore.algorithms), nothing drawn, trained CHUNK
  rollouts at a time as the figure does between frames ("pgcore on CPython");
- the host loop: pgcore.host.Host, the very code the page's worker runs, with the figure mounted
  from the same message the page sends, told to train at the fastest speed, ticked back to back
  as worker.js ticks it, and asked for a frame 60 times a second as the page asks after each
  animation frame. Its rollouts are read from the status lines of the frames it answers with, as
  the page's are. It is the worker's work without the browser and without Pyodide.
And the engine's own ceiling, from bench/rollouts.py: the same Trainer workload in Pyodide under
Node and in CPython, no browser and no frames.
"""

import json
import random
import shutil
import sys
import time

from pgcore.algorithms import make_learner
from pgcore.figure import CHUNK, SPEEDS
from pgcore.host import Host
from pgcore.hyperparams import Hyperparams
from pgcore.settings import GridSettings
from pgcore.softmax import SoftmaxPolicy
from sitebuild.runtime import cache_dir, read_runtime_pins

from . import rollouts
from .chromium import status_count
from .site import ROOT, BenchError

FASTEST = len(SPEEDS) - 1
WANT_EVERY_S = 1 / 60  # the page wants a frame after each animation frame it painted


def trainer_rate(config, seconds):
    """Rollouts per second of the figure's learner alone (its algorithm, pgcore.algorithms) on a
    gridworld's settings: the work of training, nothing drawn."""
    settings = GridSettings.from_mapping(config)
    env = settings.world()
    hp = Hyperparams(
        lr=settings.lr,
        batch_size=settings.batch_size,
        gamma=settings.gamma,
        reward_to_go=True,
        advantage="gae",
        lam=settings.lam,
        clip_eps=settings.clip_eps,
        epochs=settings.epochs,
    )
    policy = SoftmaxPolicy(env.n_states)
    learner = make_learner(settings.algorithm, env, policy, hp, random.Random(settings.seed))
    warm_until = time.perf_counter() + min(1.0, seconds / 5)
    while time.perf_counter() < warm_until:
        learner.train(CHUNK)
    before, start = learner.rollouts_done, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        learner.train(CHUNK)
    return (learner.rollouts_done - before) / elapsed


def host_rate(figure, seconds, speed=FASTEST):
    """Rollouts per second of pgcore.host training one figure (a bench.site.FigureSpec).

    The rate is read from the status lines of the frames the host sends.
    """
    host = Host()
    spec = {"id": figure.id, "kind": figure.kind, "config": figure.config}
    host.receive(json.dumps({"type": "mount", "figures": [spec], "reducedMotion": False}))
    for event in ({"name": "speed", "value": str(speed)}, {"name": "train"}):
        host.receive(json.dumps({"type": "event", "id": figure.id, "event": event}))
    readings = []  # (time, count) of each status line
    start = time.perf_counter()
    warm_until, stop = start + min(1.0, seconds / 5), start + min(1.0, seconds / 5) + seconds
    next_want = start
    while (now := time.perf_counter()) < stop:
        wanted = now >= next_want
        if wanted:
            host.receive('{"type": "want"}')
            next_want += WANT_EVERY_S
        out = host.tick(now * 1000)
        status = out and json.loads(out)["frames"].get(figure.id, {}).get("text", {}).get("status")
        if status and now >= warm_until:
            readings.append((now, status_count(status)))
    if len(readings) < 2:
        raise BenchError(f"the CPython host sent {len(readings)} status lines in {seconds} s")
    (t0, first), (t1, last) = readings[0], readings[-1]
    return (last - first) / (t1 - t0)


def engine_rates(repeats=3, count=20_000):
    """(Pyodide under Node, CPython) Trainer rollouts/s from bench/rollouts.py's workload."""
    package, version, _ = read_runtime_pins(ROOT / "pyproject.toml")
    runtime = cache_dir() / f"{package}-{version}"  # the whole npm package, pyodide.mjs included
    node = shutil.which("node")
    if node is None:
        raise BenchError("node is not on PATH: it runs pgcore in Pyodide for the engine ceiling")
    snippet = rollouts.BENCH.format(repeats=repeats, rollouts=count)
    try:
        cpython = rollouts.run([sys.executable, "-"], snippet)
        pyodide = rollouts.run(
            [node, str(rollouts.DRIVER), str(runtime), str(ROOT / "pgcore")], snippet
        )
    except SystemExit as error:  # rollouts.run reports a failed interpreter this way
        raise BenchError(f"bench/rollouts.py: {error}") from None
    return pyodide["trainer"]["median"], cpython["trainer"]["median"]
