"""The CPython references for training throughput: pgcore on this machine, outside the browser.

Two loops, both with the page's own settings (the data-config JSON of the built page):
- the Trainer alone: REINFORCE rollouts and updates, nothing drawn ("pgcore on CPython");
- the frame loop: what pgcore.browser.Widget does each animation frame (train this frame's share,
  build both scenes and the status line, serialise the scenes to JSON, refresh the table every
  200 ms), back to back with no frame pacing. It is the page's work without the browser.
"""

import json
import random
import time

from pgcore.explainer import SPEEDS, Explainer
from pgcore.reinforce import Hyperparams, Trainer
from pgcore.settings import Settings
from pgcore.softmax import SoftmaxPolicy

TABLE_EVERY_S = 0.2  # pgcore.browser.TABLE_EVERY_MS
FASTEST = len(SPEEDS) - 1


def trainer_rate(config, seconds, per_call=SPEEDS[-1]):
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
    return _rate(lambda: trainer.train(per_call), per_call, seconds)[0]


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
        json.dumps(explainer.curve_scene(), separators=(",", ":"))
        explainer.status()
        if start - last_table >= TABLE_EVERY_S:
            explainer.table_rows()
            explainer.readout()
            last_table = start
        frame_ms.append((time.perf_counter() - start) * 1000)

    rate, calls = _rate(frame, SPEEDS[speed], seconds)
    return rate, frame_ms[-calls:]


def _rate(work, rollouts_per_call, seconds):
    """Call work() for about `seconds` after a short warm-up; return (rollouts/s, calls)."""
    warm_until = time.perf_counter() + min(1.0, seconds / 5)
    while time.perf_counter() < warm_until:
        work()
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        work()
        calls += 1
    return calls * rollouts_per_call / elapsed, calls
