"""Booking: the lifecycle of an appointment and the transactions that change it safely."""
