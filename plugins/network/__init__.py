"""The shared network model: authors, departments, who owns which post. Connects no signals;
every Chorus feature plugin imports it, and it imports no feature."""

from .errors import ChorusError, ConfigError, Problem, ProblemList, SourceError
from .model import Author, Department, Link, Network
from .state import BuildState, get_network, get_state

__all__ = [
    "Author", "BuildState", "ChorusError", "ConfigError", "Department", "Link", "Network",
    "Problem", "ProblemList", "SourceError", "get_network", "get_state",
]  # fmt: skip
