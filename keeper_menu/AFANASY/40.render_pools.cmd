rem Name=Render Pools...
rem Icon=afpools.png
rem Opens the afpools board. Keeper runs this file; "python main.py install-keeper" registers
rem this folder in CGRU's menu_path and writes _env.cmd with the Python of the project's .venv.
@echo off
setlocal
set "here=%~dp0"
set "root=%here%..\.."
if exist "%here%..\_env.cmd" call "%here%..\_env.cmd"
if not defined AFPOOLS_PYTHON if exist "%root%\.venv\Scripts\pythonw.exe" set "AFPOOLS_PYTHON=%root%\.venv\Scripts\pythonw.exe"
if not defined AFPOOLS_PYTHON set "AFPOOLS_PYTHON=%CGRU_PYTHONEXE%"
if not defined AFPOOLS_PYTHON set "AFPOOLS_PYTHON=python"
"%AFPOOLS_PYTHON%" -c "import PyQt5.QtWidgets, pymongo" >nul 2>&1
if errorlevel 1 (
    msg "%USERNAME%" "afpools cannot start: %AFPOOLS_PYTHON% lacks PyQt5 or pymongo. Create the project's .venv, then run 'python main.py install-keeper'."
    exit /b 1
)
start "Render Pools" "%AFPOOLS_PYTHON%" "%root%\main.py" %*
