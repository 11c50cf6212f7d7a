"""The forecast models' names, importable without statsmodels (the CLI lists them at start-up)."""

MODEL_NAMES: tuple[str, ...] = ("two_scale_nb", "long_window_nb", "weekday_hour_mean", "seasonal_naive")
DEFAULT_MODEL = "two_scale_nb"
