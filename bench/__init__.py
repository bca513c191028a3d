"""The benchmark suite: how fast the page comes alive and how smoothly it trains.

Run it with `python -m bench` (or `./dev bench`); see bench/__main__.py. One module per group of
figures (loading, training, memory, building), the sites and server they share (site: the
article, the four-figure page of bench/content/, the bare reference pages), the browser (chromium
and the main thread's probe.js; the worker's probe is devtools/worker_probe.js), the CPython
references (cpython) and the table (table, report). `python -m bench.profile` traces where the
time goes. bench/rollouts.py belongs to the engine. Nothing here imports tests/: what the tests
and the bench share is in devtools/.
"""
