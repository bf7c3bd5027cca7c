"""tmpipe benchmarks: see bench/README.md."""
