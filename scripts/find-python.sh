#!/usr/bin/env bash
# Print the path of a working Python 3.10 interpreter (Rasa Open Source 3.6 needs 3.10).
# Looks on PATH first, then in pyenv's versions; explains how to get one if there is none.
set -u
works() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }
for candidate in "${PYTHON310:-}" python3.10 python3 python; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if works "$path"; then echo "$path"; exit 0; fi
done
for path in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10 /opt/python*/bin/python3.10; do
  [ -x "$path" ] && works "$path" && { echo "$path"; exit 0; }
done
cat >&2 <<'MSG'
Python 3.10 was not found, and Rasa Open Source 3.6 needs it (it does not run on 3.11 or newer).
Install it one of these ways, then run the command again:
  - pyenv:          pyenv install 3.10.13
  - Debian/Ubuntu:  apt-get install python3.10 python3.10-venv   (where your release has it)
  - or point us at one:  PYTHON310=/path/to/python3.10 make run
MSG
exit 1
