"""Real triple stores for the tests: servers started on loopback, probes, synthetic datasets."""
