"""Read models for the front ends: what a page or a command shows, assembled from storage
and the pure rules (no Streamlit here; the app and the CLI both call these)."""
