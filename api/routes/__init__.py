"""The facade's routers, one module per concern; ``icgraph.api.app.create_app`` includes each."""
