"""Dispatching the outbox: APScheduler ticks, claims due rows, renders, sends and marks them."""
