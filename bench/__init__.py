"""Benchmarks: figures reported in the README, never asserted in tests."""
