#!/bin/sh
# build, written for the cloc agreement test
set -e

mvn -q package  # trailing
