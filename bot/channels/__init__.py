"""Messenger adapters behind one ``Channel`` protocol (Telegram, WhatsApp, console)."""
