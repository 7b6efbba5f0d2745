"""Benchmarks of the campaign site (not part of the test run): see bench/README.md."""
