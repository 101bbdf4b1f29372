"""Use cases: each takes a session, does its work and flushes; the caller commits once."""
