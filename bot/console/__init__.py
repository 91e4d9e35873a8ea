"""The web pages the bot serves: the buyer chat (``/chat``), the agent console (``/console``) and
its analytics dashboard (``/console/analytics``), one frame and one shared module (README.md)."""
