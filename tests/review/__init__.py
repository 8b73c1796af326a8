"""Tests of factcheck.review."""
