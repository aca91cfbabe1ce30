@echo off
rem Name=Render Pools...
rem Icon=afpools.png
rem Opens the afpools board. Keeper runs this file; ".venv\Scripts\python main.py install-keeper"
rem registers this folder in CGRU's menu_path and writes ..\_env.cmd with the project's Python.
setlocal
set "here=%~dp0"
for %%I in ("%~dp0..\..\..") do set "root=%%~fI"

rem CGRU's setup_python.cmd sets PYTHONHOME (its own Python) and a Qt plugin folder of its
rem own: the first keeps the venv's interpreter from starting, the second breaks PyQt5.
set "PYTHONHOME="
set "PYTHONPATH="
set "QT_QPA_PLATFORM_PLUGIN_PATH="

if not defined AFPOOLS_WHAT set "AFPOOLS_WHAT=the board"
set "AFPOOLS_PYTHON="
set "AFPOOLS_PYTHONW="
if exist "%here%..\_env.cmd" call "%here%..\_env.cmd"
if not defined AFPOOLS_PYTHON if exist "%root%\.venv\Scripts\python.exe" set "AFPOOLS_PYTHON=%root%\.venv\Scripts\python.exe"
if not defined AFPOOLS_PYTHONW if exist "%root%\.venv\Scripts\pythonw.exe" set "AFPOOLS_PYTHONW=%root%\.venv\Scripts\pythonw.exe"
if not defined AFPOOLS_PYTHON set "AFPOOLS_PYTHON=%CGRU_PYTHONEXE%"
if not defined AFPOOLS_PYTHON set "AFPOOLS_PYTHON=python"
rem pythonw.exe is the same interpreter without a console window for as long as the board runs.
if not defined AFPOOLS_PYTHONW set "AFPOOLS_PYTHONW=%AFPOOLS_PYTHON%"

"%AFPOOLS_PYTHON%" -c "import PyQt5.QtWidgets, pymongo" >nul 2>&1
if errorlevel 1 goto cannot_start
start "Render Pools" "%AFPOOLS_PYTHONW%" "%root%\main.py" %*
exit /b 0

:cannot_start
rem Windows Home has no "msg": a message box through PowerShell, else a log file.
set "AFPOOLS_ROOT=%root%"
echo afpools cannot start %AFPOOLS_WHAT%: "%AFPOOLS_PYTHON%" cannot import PyQt5 and pymongo. 1>&2
powershell -NoProfile -NonInteractive -Command "Add-Type -AssemblyName System.Windows.Forms; $n = [Environment]::NewLine; $m = 'afpools cannot start ' + $env:AFPOOLS_WHAT + ':' + $n + $env:AFPOOLS_PYTHON + $n + 'cannot import PyQt5 and pymongo.' + $n + $n + 'Create the project''s Python environment once, in a terminal:' + $n + '    cd /d ' + $env:AFPOOLS_ROOT + $n + '    py -m venv .venv' + $n + '    .venv\Scripts\pip install -r requirements.txt' + $n + 'then put that Python into Keeper''s menu entries:' + $n + '    .venv\Scripts\python main.py install-keeper'; [void][System.Windows.Forms.MessageBox]::Show($m, 'afpools')" >nul 2>&1
if not errorlevel 1 exit /b 1
set "log=%LOCALAPPDATA%\afpools\keeper-menu.log"
if not exist "%LOCALAPPDATA%\afpools" mkdir "%LOCALAPPDATA%\afpools"
>>"%log%" echo %DATE% %TIME% afpools cannot start %AFPOOLS_WHAT%: "%AFPOOLS_PYTHON%" cannot import PyQt5 and pymongo. Create the project's Python environment in "%root%" (py -m venv .venv, then .venv\Scripts\pip install -r requirements.txt), then run .venv\Scripts\python main.py install-keeper there.
echo This message is also in "%log%". 1>&2
exit /b 1
