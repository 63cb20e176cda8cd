"""Policy documents: cleaning, dedup, chunking, embedding, chromadb collection, hybrid search."""
