"""Benchmark: REINFORCE rollouts per second on CPython and in Pyodide under Node, and their ratio.

The same snippet runs in a fresh CPython and, through devtools/pyodide_node.mjs, in Pyodide on this
checkout's pgcore. Workloads, on the default 3x3 world with a uniform policy (lr = 0 keeps it
uniform, so every repeat plays statistically the same episodes, ~6 steps each):

  trainer     Trainer.train(50) again and again, batch 10: rollouts plus the updates (the page)
  rollout()   the one-off rollout(), which rebuilds the sampling table every call
  exact       exact_return calls per second (the page calls it every frame)

Each figure is the median over --repeats timed repeats after one warm-up. Target: Pyodide at
least 0.5 of CPython on the trainer workload.

usage: python bench/rollouts.py [--repeats 7] [--rollouts 20000] [--pyodide-dir DIR]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "devtools" / "pyodide_node.mjs"
FALLBACK = Path("/tmp/pyo/package")
TARGET_RATIO = 0.5

BENCH = """
import json, random, statistics, sys, time
import pgcore

REPEATS, ROLLOUTS = {repeats}, {rollouts}
env = pgcore.GridWorld()
policy = pgcore.SoftmaxPolicy(env.n_states)


def per_second(work, count):
    rates = []
    for repeat in range(REPEATS + 1):
        start = time.perf_counter()
        work()
        rate = count / (time.perf_counter() - start)
        if repeat:  # the first pass is a warm-up
            rates.append(rate)
    return statistics.median(rates), rates


def trainer_work():
    trainer = pgcore.Trainer(env, policy, pgcore.Hyperparams(lr=0.0, batch_size=10),
                             random.Random(1))
    for _ in range(ROLLOUTS // 50):
        trainer.train(50)


def rollout_work():
    rng = random.Random(2)
    for _ in range(ROLLOUTS // 4):
        pgcore.rollout(env, policy, rng)


def exact_work():
    for _ in range(ROLLOUTS // 40):
        pgcore.exact_return(env, policy)


results = {{"python": sys.version.split()[0], "platform": sys.platform}}
for name, work, count in [("trainer", trainer_work, ROLLOUTS // 50 * 50),
                          ("rollout()", rollout_work, ROLLOUTS // 4),
                          ("exact", exact_work, ROLLOUTS // 40)]:
    median, rates = per_second(work, count)
    results[name] = {{"median": median, "rates": rates}}
print(json.dumps(results))
"""


def pyodide_runtime(explicit):
    """--pyodide-dir, else $PGSITE_PYODIDE_DIR, else /tmp/pyo/package if it is there."""
    for candidate in (explicit, os.environ.get("PGSITE_PYODIDE_DIR")):
        if candidate:
            return Path(candidate)
    if (FALLBACK / "pyodide.mjs").is_file():
        return FALLBACK
    raise SystemExit("no Pyodide runtime: pass --pyodide-dir or set PGSITE_PYODIDE_DIR")


def run(command, snippet, cwd=ROOT):
    """Run snippet through command and return the JSON it prints."""
    done = subprocess.run(command, input=snippet, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--rollouts", type=int, default=20_000, help="rollouts per repeat")
    parser.add_argument("--pyodide-dir", help="unpacked pyodide@314.0.7")
    args = parser.parse_args()
    runtime = pyodide_runtime(args.pyodide_dir)
    node = shutil.which("node") or sys.exit("node is not on PATH")
    snippet = BENCH.format(repeats=args.repeats, rollouts=args.rollouts)

    # Run the two one after the other, never side by side, so neither steals the other's core
    cpython = run([sys.executable, "-"], snippet)
    pyodide = run([node, str(DRIVER), str(runtime), str(ROOT / "pgcore")], snippet)

    print(
        f"CPython {cpython['python']} vs Pyodide (Python {pyodide['python']}, "
        f"{pyodide['platform']}), median of {args.repeats} repeats"
    )
    print(f"{'workload':<12}{'CPython /s':>14}{'Pyodide /s':>14}{'ratio':>8}")
    for name in ("trainer", "rollout()", "exact"):
        c, p = cpython[name]["median"], pyodide[name]["median"]
        print(f"{name:<12}{c:>14,.0f}{p:>14,.0f}{p / c:>8.2f}")
    ratio = pyodide["trainer"]["median"] / cpython["trainer"]["median"]
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"trainer rollouts/s ratio {ratio:.2f} {verdict} the target of {TARGET_RATIO}")


if __name__ == "__main__":
    main()
