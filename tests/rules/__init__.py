"""Tests of factcheck.rules."""
