"""HTTP routes, dependencies and the error envelope."""
