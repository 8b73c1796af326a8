"""Tests of factcheck.report."""
