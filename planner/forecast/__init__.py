"""Intake forecast: arrivals in, forecasts with intervals (and peaks and valleys) out."""
