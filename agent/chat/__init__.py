"""Chat over the trade data: question → cited, verified answer (router offline, tool agent online)."""
