"""The review web page served by `agent serve` (see ``agent.web.app.create_app``)."""
