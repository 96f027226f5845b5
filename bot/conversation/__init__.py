"""Turning planned messages into words: scripts, rendering, dialogs."""
