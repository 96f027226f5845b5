"""One router per resource, joined in ``bot.api.app.create_app``."""
