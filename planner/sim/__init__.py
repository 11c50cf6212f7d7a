"""Proof of value: a discrete-event simulation (SimPy) of the dealership under booking policies.

`demand` draws one stream of customers from the dealer's own history; `policies` answer
callers (walk-in only, first available, the planner); `workshop` runs reception,
technicians, bays and parts the same way for every policy; `measures` turns a run into
numbers; `run` compares policies; `inputs` reads what it needs from the database.
"""
