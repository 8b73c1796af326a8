"""Tests of factcheck.gate."""
