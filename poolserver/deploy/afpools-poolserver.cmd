@echo off
rem The afpools pool service on Windows, in this console (stop it with Ctrl+C).
rem   afpools-poolserver.cmd               serve
rem   afpools-poolserver.cmd --configure   answer the set-up questions first
rem The settings live in %ProgramData%\afpools\settings.json, so that the service started at
rem boot (install-windows-service.cmd) and an admin running this by hand read the same file.
setlocal
set "AFPOOLS_ROOT=%~dp0..\.."
if not defined AFPOOLS_SETTINGS_FILE set "AFPOOLS_SETTINGS_FILE=%ProgramData%\afpools\settings.json"
if not defined AFPOOLS_DATA_DIR set "AFPOOLS_DATA_DIR=%ProgramData%\afpools\data"
set "PYTHON=%AFPOOLS_ROOT%\.venv\Scripts\python.exe"
if not exist "%PYTHON%" (
  echo The afpools environment is missing: %PYTHON%. Create it with "python -m venv .venv" and
  echo ".venv\Scripts\pip install -r requirements.txt" in %AFPOOLS_ROOT%.
  exit /b 1
)
"%PYTHON%" "%AFPOOLS_ROOT%\main.py" serve %*
