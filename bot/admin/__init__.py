"""Admin views (the day board, …) built once as data, rendered for Telegram and for the CLI."""
