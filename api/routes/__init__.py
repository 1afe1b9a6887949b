"""The facade's routers, one module per concern; ``api.app.create_app`` includes each."""
