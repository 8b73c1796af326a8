"""Tests of factcheck.engines."""
