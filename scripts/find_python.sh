#!/bin/sh
# Print the newest Python from 3.13 down to 3.10 that this machine can run, and say which one
# on stderr. A name on PATH is tried first; pyenv's shims exist for every installed version but
# fail unless that version is selected, so each candidate is run, not only looked up, and
# pyenv's own installs are tried next.
for v in 3.13 3.12 3.11 3.10; do
  for py in "python$v" "$(pyenv root 2>/dev/null)/versions/$v"*/bin/"python$v"; do
    if "$py" -c 'import sys, venv, ensurepip' >/dev/null 2>&1; then
      exe=$("$py" -c 'import sys; print(sys.executable)')
      echo "Python $("$py" -c 'import platform; print(platform.python_version())') at $exe" >&2
      echo "$exe"
      exit 0
    fi
  done
done
echo "No Python 3.10-3.13 found (tried python3.13 ... python3.10 on PATH and pyenv's versions)." >&2
echo "Install one, or run make with PYTHON=/path/to/python3.x." >&2
exit 1
