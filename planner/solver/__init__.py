"""Slot solver: capacity snapshot -> CP-SAT model from named constraints -> proposals."""
