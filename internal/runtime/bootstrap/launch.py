"""Starts seki's Python runtime client, bootstrap.py, as a module.

Python compiles a script it is given at every start, but loads an imported
module from __pycache__: seki compiles bootstrap.py there once per
interpreter, so a cold start does not pay for compiling it.
"""
import bootstrap

bootstrap.main()
