"""Ingestion, structure-aware chunking and hybrid (dense + lexical) retrieval over the document library."""
