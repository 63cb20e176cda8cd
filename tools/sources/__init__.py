"""One HTTP client per source. Same shape: build request -> send -> validate -> records."""
