"""Plain ``make_*`` helpers that build test data with sensible defaults.

Each app's helpers live in its own section; keyword arguments override any field.
"""
