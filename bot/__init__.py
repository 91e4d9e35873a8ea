"""The after-sales bot service: FastAPI app, settings, API routes and the launcher."""
