#!/bin/bash
# Name=Render Pools...
# Icon=afpools.png
# Opens the afpools board. Keeper runs this file; ".venv/bin/python main.py install-keeper"
# registers this folder in CGRU's menu_path and writes ../_env.sh with the project's Python.

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
[ -f "$here/../_env.sh" ] && source "$here/../_env.sh"

# CGRU's setup_python.sh exports PYTHONHOME (its own Python) and PYTHONPATH (its PyQt): the
# first keeps the venv's interpreter from starting, the second hides the venv's packages.
unset PYTHONHOME PYTHONPATH

what="${AFPOOLS_WHAT:-the board}"  # what the entry that called this one starts
python="${AFPOOLS_PYTHON:-}"
[ -z "$python" ] && [ -x "$root/.venv/bin/python" ] && python="$root/.venv/bin/python"
[ -z "$python" ] && python="${CGRU_PYTHONEXE:-python3}"

if "$python" -c "import PyQt5.QtWidgets, pymongo" >/dev/null 2>&1; then
    exec "$python" "$root/main.py" "$@"
fi

if command -v "$python" >/dev/null 2>&1; then
    problem="$python
cannot import PyQt5 and pymongo."
else
    problem="$python
does not exist."
fi
message="afpools cannot start $what:
$problem

Create the project's Python environment once, in a terminal:
    cd $root
    make run
(or: python3 -m venv .venv && .venv/bin/pip install -r requirements.txt)
then put that Python into Keeper's menu entries:
    .venv/bin/python main.py install-keeper"
echo "$message" >&2

markup="${message//&/"&amp;"}"
markup="${markup//</"&lt;"}"
markup="${markup//>/"&gt;"}"
if command -v zenity >/dev/null 2>&1; then
    zenity --error --title="afpools" --width=560 --text="$markup" 2>/dev/null && exit 1
elif command -v xmessage >/dev/null 2>&1; then
    printf '%s\n' "$message" | xmessage -center -title afpools -file - 2>/dev/null && exit 1
fi
# No dialog could be shown (none installed, or no display): leave the message in a log.
log="${XDG_STATE_HOME:-$HOME/.local/state}/afpools/keeper-menu.log"
if mkdir -p "$(dirname "$log")" && printf '%s\n%s\n\n' "$(date)" "$message" >>"$log"; then
    echo "This message is also in $log." >&2
fi
exit 1
