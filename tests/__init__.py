"""factcheck test suite."""
