#Requires -Version 5.1
# AuditSift: Microsoft 365 audit records through a native Rust library.
#
# At import the module finds the native library for this platform in its own folder
# (runtimes/<rid>/native/), compiles the C# interop under csharp/ with that library's absolute path
# baked into its DllImport attributes (an assembly made by Add-Type lives in memory, so the runtime
# cannot look for the library beside it), checks the library's ABI version, then loads the functions.
# All the work happens in the C#; the functions under Public/ only bind parameters and write output.

Set-StrictMode -Version 3.0

# The interop sources, in the order they are joined into one compilation unit.
$script:InteropSources = @('Json.cs', 'Input.cs', 'Records.cs', 'Native.cs', 'Decoder.cs', 'Exposure.cs', 'Pipeline.cs', 'Reader.cs', 'Report.cs')

# Must match AuditSift.Native.InteropVersion in csharp/Native.cs: a type compiled by another version
# of this module cannot be reused in the same session.
$script:InteropVersion = 3

# The placeholder in csharp/Native.cs that becomes the library's absolute path.
$script:LibraryPlaceholder = '__AUDITSIFT_LIB__'

function Get-AuditSiftRuntimeId {
    # The .NET runtime identifier of this process: win-x64, linux-arm64, osx-arm64...
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $info = 'System.Runtime.InteropServices.RuntimeInformation' -as [type]
    if ($null -ne $info) {
        $platform = [System.Runtime.InteropServices.OSPlatform]
        if ($info::IsOSPlatform($platform::Windows)) { $os = 'win' }
        elseif ($info::IsOSPlatform($platform::OSX)) { $os = 'osx' }
        elseif ($info::IsOSPlatform($platform::Linux)) { $os = 'linux' }
        else { $os = 'unknown' }
        $arch = $info::ProcessArchitecture.ToString().ToLowerInvariant()
        return "$os-$arch"
    }
    # .NET Framework before 4.7.1 has no RuntimeInformation, and runs only on Windows.
    # PROCESSOR_ARCHITECTURE is the process's own architecture (AMD64 for x64 emulated on ARM64).
    if (-not [Environment]::Is64BitProcess) { return 'win-x86' }
    if ($env:PROCESSOR_ARCHITECTURE -eq 'ARM64') { return 'win-arm64' }
    return 'win-x64'
}

function Get-AuditSiftLibraryName {
    # The file name of the native library on a platform.
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][string] $RuntimeId)
    if ($RuntimeId.StartsWith('win-')) { return 'auditsift.dll' }
    if ($RuntimeId.StartsWith('osx-')) { return 'libauditsift.dylib' }
    return 'libauditsift.so'
}

function Resolve-AuditSiftLibrary {
    # The absolute path of the native library: $env:AUDITSIFT_NATIVE_LIBRARY when set (a development
    # build), else runtimes/<rid>/native/<lib> beside this module. Throws naming the path it looked for.
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:AUDITSIFT_NATIVE_LIBRARY) {
        $path = [System.IO.Path]::GetFullPath($env:AUDITSIFT_NATIVE_LIBRARY)
        if (-not [System.IO.File]::Exists($path)) {
            throw "AuditSift: the native library named by `$env:AUDITSIFT_NATIVE_LIBRARY does not exist: '$path'."
        }
        return $path
    }
    $rid = Get-AuditSiftRuntimeId
    $name = Get-AuditSiftLibraryName -RuntimeId $rid
    $path = [System.IO.Path]::Combine($PSScriptRoot, 'runtimes', $rid, 'native', $name)
    if (-not [System.IO.File]::Exists($path)) {
        $shipped = @()
        $runtimes = [System.IO.Path]::Combine($PSScriptRoot, 'runtimes')
        if ([System.IO.Directory]::Exists($runtimes)) {
            $shipped = @([System.IO.Directory]::GetDirectories($runtimes) | ForEach-Object { [System.IO.Path]::GetFileName($_) })
        }
        $have = if ($shipped.Count -gt 0) { $shipped -join ', ' } else { 'none' }
        throw ("AuditSift: no native library for this platform ($rid). Looked for '$path'. " +
            "Platforms in this copy of the module: $have. Build it with 'cargo xtask package' " +
            "(add '--target <triple>' for other platforms) or install a release that includes $rid.")
    }
    return $path
}

function Import-AuditSiftInterop {
    # Compiles the C# interop against the library at $LibraryPath, or reuses the one already loaded.
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $LibraryPath)
    $loaded = 'AuditSift.Native' -as [type]
    if ($null -ne $loaded) {
        # A .NET type cannot be unloaded: a second import in the same session reuses it.
        if ($loaded::InteropVersion -ne $script:InteropVersion) {
            throw ("AuditSift: another version of this module's interop (version $($loaded::InteropVersion), " +
                "library '$($loaded::LibraryPath)') is already loaded in this session and cannot be replaced. " +
                "Start a new PowerShell session to import this version.")
        }
        if ($loaded::LibraryPath -ne $LibraryPath) {
            Write-Warning ("AuditSift: this session already uses the native library '$($loaded::LibraryPath)'; " +
                "it stays in use instead of '$LibraryPath'. Start a new session to switch.")
        }
        return
    }
    $folder = [System.IO.Path]::Combine($PSScriptRoot, 'csharp')
    $parts = foreach ($name in $script:InteropSources) {
        [System.IO.File]::ReadAllText([System.IO.Path]::Combine($folder, $name))
    }
    # The path goes into a verbatim C# string, where a quote is written twice.
    $source = ($parts -join "`n").Replace($script:LibraryPlaceholder, $LibraryPath.Replace('"', '""'))
    # -IgnoreWarnings: a compiler warning (they differ between CodeDom and Roslyn) must not stop the import.
    Add-Type -TypeDefinition $source -Language CSharp -IgnoreWarnings -ErrorAction Stop
}

$script:NativeLibraryPath = Resolve-AuditSiftLibrary
Import-AuditSiftInterop -LibraryPath $script:NativeLibraryPath
# Loads the library and checks its ABI version; throws a clear message when either fails.
[AuditSift.Native]::EnsureLoaded()

# One file per function: Private/ holds helpers, Public/ one file per exported function (named
# after it). The manifest's FunctionsToExport lists the exports explicitly as well.
$publicFunctions = @()
foreach ($folder in @('Private', 'Public')) {
    $scripts = [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, $folder), '*.ps1')
    foreach ($file in ($scripts | Sort-Object)) {
        . $file
        if ($folder -eq 'Public') {
            $publicFunctions += [System.IO.Path]::GetFileNameWithoutExtension($file)
        }
    }
}

Export-ModuleMember -Function $publicFunctions
