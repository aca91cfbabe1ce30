@echo off
rem Start the afpools pool service at boot. Run as Administrator, after
rem "afpools-poolserver.cmd --configure" has written %ProgramData%\afpools\settings.json.
rem With NSSM (https://nssm.cc) on the PATH it becomes a real Windows service named
rem afpools-poolserver (stop/start it in services.msc); without it, a scheduled task that
rem runs at start-up as SYSTEM.
setlocal
set "HERE=%~dp0"
set "LOGS=%ProgramData%\afpools"
if not exist "%LOGS%" mkdir "%LOGS%"
where nssm >nul 2>nul
if %errorlevel%==0 (
  nssm install afpools-poolserver "%ComSpec%" /c ""%HERE%afpools-poolserver.cmd""
  nssm set afpools-poolserver DisplayName "afpools pool service"
  nssm set afpools-poolserver AppStdout "%LOGS%\poolserver.log"
  nssm set afpools-poolserver AppStderr "%LOGS%\poolserver.log"
  nssm set afpools-poolserver AppRotateFiles 1
  nssm set afpools-poolserver AppRotateBytes 10485760
  nssm set afpools-poolserver AppStopMethodConsole 15000
  nssm start afpools-poolserver
  echo Installed the Windows service afpools-poolserver; its log is %LOGS%\poolserver.log.
) else (
  schtasks /Create /F /TN "afpools pool service" /SC ONSTART /RU SYSTEM ^
    /TR "\"%ComSpec%\" /c \"\"%HERE%afpools-poolserver.cmd\" >> \"%LOGS%\poolserver.log\" 2>&1\""
  schtasks /Run /TN "afpools pool service"
  echo NSSM was not found: a scheduled task now starts the service at boot.
  echo Its log is %LOGS%\poolserver.log; stop it with: schtasks /End /TN "afpools pool service"
)
