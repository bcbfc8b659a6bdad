"""Business rules. Every function takes a session first and never commits."""
