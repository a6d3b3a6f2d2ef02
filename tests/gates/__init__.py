"""Quality gates: HTML validity, accessibility and browser tests of the built sample network."""
