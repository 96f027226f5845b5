"""ShowUp: a self-hosted messenger bot that gets appointment clients to actually show up."""

__version__ = "0.1.0"
