"""planner: an optimisation-centred capacity planner for a car dealer's after-sales service."""

__version__ = "0.1.0"
