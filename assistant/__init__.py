"""Trợ lý Kế hoạch Thi đua: chains for cited Q&A and campaign-plan drafting."""

__version__ = "0.1.0"
