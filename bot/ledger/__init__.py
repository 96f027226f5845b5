"""Application services over the booking ledger: domain rules applied to the database.

Every function takes an open session and keyword-only arguments, flushes but never commits: the
caller (an API route, a CLI command, a message handler) owns the transaction.
"""
