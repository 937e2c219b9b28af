"""Benchmarks: a reference consultation, and page timings and query counts measured on it."""
