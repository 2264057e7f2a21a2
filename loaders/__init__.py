"""Reading, validating and importing uploaded files; exporting; the demo database. No Streamlit."""
