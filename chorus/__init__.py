"""Chorus: the static site generator for a company's expert blog network, built on Pelican."""

__version__ = "0.1.0"
