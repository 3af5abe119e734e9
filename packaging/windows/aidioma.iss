; AIdioma for Windows: a per-user installer (no administrator rights), built by
; `python packaging/build.py` on Windows with Inno Setup 6 (ISCC.exe), from the PyInstaller bundle.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef Bundle
  #define Bundle "..\..\build\bundle\aidioma"
#endif

[Setup]
AppId={{3B6F1C2E-8E49-4C1B-9F0A-6A7D2E5C4B91}
AppName=AIdioma
AppVersion={#AppVersion}
AppPublisher=AIdioma
DefaultDirName={localappdata}\Programs\AIdioma
DisableProgramGroupPage=yes
DisableDirPage=yes
PrivilegesRequired=lowest
OutputBaseFilename=AIdioma-{#AppVersion}-windows-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\aidioma.exe
UninstallDisplayName=AIdioma

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{userprograms}\AIdioma"; Filename: "{app}\aidioma.exe"
Name: "{userdesktop}\AIdioma"; Filename: "{app}\aidioma.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\aidioma.exe"; Description: "{cm:LaunchProgram,AIdioma}"; Flags: nowait postinstall skipifsilent

[CustomMessages]
en.KeepData=Keep the profiles and progress of everyone who used AIdioma on this computer?%n%nYes keeps them for a later install. No deletes them (this cannot be undone).
es.KeepData=¿Conservar los perfiles y el progreso de quienes usaron AIdioma en este equipo?%n%nSí los guarda para una instalación futura. No los borra (no se puede deshacer).

[Code]
// The uninstaller asks whether to keep the data (platformdirs' folder for "AIdioma":
// %LOCALAPPDATA%\AIdioma, with the logs and cache inside); a silent uninstall keeps it.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\AIdioma');
    if DirExists(DataDir) and not UninstallSilent then
      if MsgBox(CustomMessage('KeepData'), mbConfirmation, MB_YESNO or MB_DEFBUTTON1) = IDNO then
        DelTree(DataDir, True, True, True);
  end;
end;
