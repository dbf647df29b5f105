#!/usr/bin/env python3
"""Module docstring
over lines."""
import os  # comment

def f():
    '''single-quoted docstring'''
    s = """not a docstring by position
    but cloc takes it as one"""
    path = "/*"
    return s \

x = u"""unicode"""
