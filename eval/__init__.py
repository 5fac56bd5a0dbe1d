"""Answer-quality evaluation: retrieval, Q&A and drafting metrics and reports."""
