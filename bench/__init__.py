"""The benchmark suite: how fast the page comes alive and how smoothly it trains.

Run it with `python -m bench` (or `./dev bench`); see bench/__main__.py. One module per group of
figures (loading, training, memory, building), the site and server they share (site), the
browser (chromium and the in-page probe.js), the CPython references (cpython) and the table.
bench/rollouts.py belongs to the engine.
"""
