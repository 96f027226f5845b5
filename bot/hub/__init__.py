"""The messaging hub: what the core does with what arrives on any messenger.

Adapters (``bot/channels``) normalise updates and call the hub; the hub runs client dialogs,
deep links and shared phone numbers, admin commands and admin replies, and the admin-side jobs
(inbox relay, alerts, morning digest). It knows no messenger SDK.
"""
