"""pyswitch: pick the right Python for the directory you are in."""

__version__ = "0.1.0"
