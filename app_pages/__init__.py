"""The app's pages (Streamlit at the edge: widgets and layout calling `planner`)."""
