"""What the tests and the benchmark share: a copy of the project to build, a server for a built
site, Debian's Chromium with the flags this machine needs, and a probe of the figures' worker.

Neither tests/ nor bench/ imports the other; both import this.
"""
