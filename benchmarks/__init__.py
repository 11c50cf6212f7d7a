"""Benchmarks (`make bench`): speed targets are measured here, never in unit tests."""
