#!/bin/bash
# Name=Render Pools...
# Icon=afpools.png
# Opens the afpools board. Keeper runs this file; `python main.py install-keeper` registers
# this folder in CGRU's menu_path and writes _env.sh with the Python of the project's .venv.

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
[ -f "$here/../_env.sh" ] && source "$here/../_env.sh"

python="${AFPOOLS_PYTHON:-}"
[ -z "$python" ] && [ -x "$root/.venv/bin/python" ] && python="$root/.venv/bin/python"
[ -z "$python" ] && python="${CGRU_PYTHONEXE:-python3}"

if ! "$python" -c "import PyQt5.QtWidgets, pymongo" >/dev/null 2>&1; then
    message="afpools cannot start: $python lacks PyQt5 or pymongo. Run 'make run' once in $root (it creates .venv), then 'python main.py install-keeper'."
    echo "$message" >&2
    if command -v zenity >/dev/null; then zenity --error --no-wrap --text="$message" 2>/dev/null
    elif command -v xmessage >/dev/null; then xmessage -center "$message" 2>/dev/null
    fi
    exit 1
fi
exec "$python" "$root/main.py" "$@"
