"""Tests of the fakes themselves: each speaks its service's protocol as the real clients expect."""
