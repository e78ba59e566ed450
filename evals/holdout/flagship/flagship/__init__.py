"""flagship: a small feature-flag service."""

__version__ = "0.7.2"
