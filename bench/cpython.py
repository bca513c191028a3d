"""The references for training throughput: pgcore on this machine, outside the browser.

Two CPython loops, both with the page's own settings (the data-config JSON of the built page):
- the Trainer alone: REINFORCE rollouts and updates, nothing drawn ("pgcore on CPython");
- the frame loop: what pgcore.browser.Widget does each animation frame (train this frame's share,
  build and serialise the main scene; five times a second also the curve, the status line and
  the table), back to back with no frame pacing. It is the page's work without the browser.
And the engine's own ceiling, from the engine's bench/rollouts.py: the same Trainer workload in
Pyodide under Node and in CPython, no browser and no frames, which bounds what any page can reach.
"""

import json
import random
import shutil
import sys
import time

from pgcore.explainer import SPEEDS, Explainer
from pgcore.reinforce import Hyperparams, Trainer
from pgcore.settings import Settings
from pgcore.softmax import SoftmaxPolicy
from sitebuild.runtime import cache_dir, read_runtime_pins

from . import rollouts
from .site import ROOT, BenchError

TABLE_EVERY_S = 0.2  # pgcore.browser.TABLE_EVERY_MS
FASTEST = len(SPEEDS) - 1
PER_CALL = 64  # the largest fixed count of SPEEDS


def trainer_rate(config, seconds, per_call=PER_CALL):
    """Rollouts per second of pgcore's Trainer alone, trained per_call rollouts at a time."""
    settings = Settings.from_mapping(config)
    env = settings.world()
    hp = Hyperparams(
        lr=settings.lr,
        batch_size=settings.batch_size,
        gamma=settings.gamma,
        reward_to_go=True,
        baseline=settings.baseline,
    )
    trainer = Trainer(env, SoftmaxPolicy(env.n_states), hp, random.Random(settings.seed))
    return _rate(lambda: trainer.train(per_call), lambda: trainer.rollouts_done, seconds)[0]


def frame_loop(config, seconds, speed=FASTEST):
    """(rollouts per second, per-frame times in ms) of the page's frame work run on CPython."""
    explainer = Explainer(Settings.from_mapping(config))
    explainer.set_speed(speed)
    explainer.running = True
    frame_ms = []
    last_table = -1.0

    def frame():
        nonlocal last_table
        start = time.perf_counter()
        explainer.train()
        json.dumps(explainer.scene(), separators=(",", ":"))
        if start - last_table >= TABLE_EVERY_S:
            json.dumps(explainer.curve_scene(), separators=(",", ":"))
            explainer.status()
            explainer.table_rows()
            explainer.readout()
            last_table = start
        frame_ms.append((time.perf_counter() - start) * 1000)

    rate, calls = _rate(frame, lambda: explainer.trainer.rollouts_done, seconds)
    return rate, frame_ms[-calls:]


def _rate(work, done, seconds):
    """Call work() for about `seconds` after a short warm-up; return (rollouts/s, calls).

    done() is the running count of rollouts, so a call may train any number of them.
    """
    warm_until = time.perf_counter() + min(1.0, seconds / 5)
    while time.perf_counter() < warm_until:
        work()
    calls, before, start = 0, done(), time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        work()
        calls += 1
    return (done() - before) / elapsed, calls


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
