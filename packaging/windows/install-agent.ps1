<#
.SYNOPSIS
  Installs (or with -Uninstall removes) the NetworkTwin edge agent as a Windows service.
.DESCRIPTION
  Copies the win-x64 publish (out\packages\win-x64\agent from ./build.sh package) to -InstallDir,
  writes a default site file %ProgramData%\NetworkTwin\agent.json if there is none, registers the
  service "NetworkTwinAgent" (automatic start, LocalService account) running
  "networktwin-agent.exe", and sets recovery so that a failed worker (exit code 70) or a
  crash restarts it. Run from an elevated PowerShell.
.EXAMPLE
  .\install-agent.ps1 -Source ..\..\out\packages\win-x64\agent
  .\install-agent.ps1 -Uninstall
#>
[CmdletBinding()]
param(
    [string]$Source = (Join-Path $PSScriptRoot 'agent'),
    [string]$InstallDir = (Join-Path $env:ProgramFiles 'NetworkTwin\agent'),
    [string]$ServiceName = 'NetworkTwinAgent',
    [switch]$Uninstall
)
$ErrorActionPreference = 'Stop'

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'Run this script from an elevated PowerShell (services are installed by administrators).'
}

$existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($Uninstall) {
    if ($existing) {
        if ($existing.Status -ne 'Stopped') { Stop-Service -Name $ServiceName -Force }
        & sc.exe delete $ServiceName | Out-Null
        Write-Host "Removed service $ServiceName. Data and settings under $env:ProgramData\NetworkTwin are kept."
    } else {
        Write-Host "No service $ServiceName is installed."
    }
    if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
    return
}

$exe = Join-Path $Source 'networktwin-agent.exe'
if (-not (Test-Path $exe)) { throw "No networktwin-agent.exe in $Source: pass -Source with the win-x64 publish folder." }
if ($existing) {
    if ($existing.Status -ne 'Stopped') { Stop-Service -Name $ServiceName -Force }
}

New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
Copy-Item -Recurse -Force (Join-Path $Source '*') $InstallDir

$data = Join-Path $env:ProgramData 'NetworkTwin'
$site = Join-Path $data 'agent.json'
New-Item -ItemType Directory -Force -Path (Join-Path $data 'agent') | Out-Null
if (-not (Test-Path $site)) {
    @{
        Agent = @{
            Site = $env:COMPUTERNAME
            DataDirectory = (Join-Path $data 'agent')
            Logging = @{ Directory = (Join-Path $data 'agent\logs') }
            Metrics = @{ Address = '127.0.0.1'; Port = 9464 }
        }
    } | ConvertTo-Json -Depth 5 | Set-Content -Encoding UTF8 $site
}
# LocalService writes only its own data folder.
& icacls (Join-Path $data 'agent') /grant 'NT AUTHORITY\LocalService:(OI)(CI)M' | Out-Null

$binary = "`"$(Join-Path $InstallDir 'networktwin-agent.exe')`""
if (-not $existing) {
    New-Service -Name $ServiceName -BinaryPathName $binary -DisplayName 'NetworkTwin edge agent' `
        -Description 'Telemetry ingest, live twin and sync to the NetworkTwin coordinator.' -StartupType Automatic | Out-Null
    & sc.exe config $ServiceName obj= 'NT AUTHORITY\LocalService' password= '' | Out-Null
} else {
    & sc.exe config $ServiceName binPath= $binary | Out-Null
}
# Restart after 5 s, 5 s, then 30 s; count failures over a day; a non-zero exit code counts as a failure.
& sc.exe failure $ServiceName reset= 86400 actions= restart/5000/restart/5000/restart/30000 | Out-Null
& sc.exe failureflag $ServiceName 1 | Out-Null

& (Join-Path $InstallDir 'networktwin-agent.exe') --validate-config
if ($LASTEXITCODE -ne 0) { throw "The configuration in $site is not valid (see above); the service was registered but not started." }
Start-Service -Name $ServiceName
Write-Host "Service $ServiceName is $((Get-Service $ServiceName).Status). Settings: $site. Logs: $(Join-Path $data 'agent\logs')."
