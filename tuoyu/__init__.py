"""tuoyu: the planning engine of a district childcare office."""

__version__ = "0.1.0"
