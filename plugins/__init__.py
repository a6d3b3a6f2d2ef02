"""Chorus: Pelican plugins for a company's expert blog network, and the network model they share."""
