# Paths given to the exported functions: files to read and the file to write, resolved against the
# current PowerShell location (the process's directory is another one) and checked before any work,
# so that errors name what the user typed.

function Resolve-AuditSiftInputFile {
    # The files named by -Path (wildcards) or -LiteralPath, as provider paths. A path that matches
    # nothing, is not on the FileSystem provider or names a folder is a non-terminating error of
    # $Cmdlet naming it; folders matched by a wildcard are skipped.
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [string[]] $Path = @(),
        [string[]] $LiteralPath = @(),
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet] $Cmdlet
    )
    foreach ($pattern in $Path) {
        $provider = $null
        $resolved = @()
        try {
            $resolved = @($Cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath($pattern, [ref] $provider))
        }
        catch [System.Management.Automation.ItemNotFoundException] {
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    $_.Exception, 'AuditSift.FileNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $pattern))
            continue
        }
        if ($resolved.Count -eq 0) {
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    [System.IO.FileNotFoundException]::new("No file matches '$pattern'."),
                    'AuditSift.FileNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $pattern))
            continue
        }
        if ($provider.Name -ne 'FileSystem') {
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    [System.ArgumentException]::new("'$pattern' is on the $($provider.Name) provider; audit logs are read from files."),
                    'AuditSift.NotAFile', [System.Management.Automation.ErrorCategory]::InvalidArgument, $pattern))
            continue
        }
        $wildcard = [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($pattern)
        foreach ($file in $resolved) {
            if ([System.IO.File]::Exists($file)) {
                $file
            }
            elseif (-not $wildcard) {
                $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                        [System.ArgumentException]::new("'$file' is a folder, not a file."),
                        'AuditSift.NotAFile', [System.Management.Automation.ErrorCategory]::InvalidArgument, $file))
            }
        }
    }
    foreach ($literal in $LiteralPath) {
        $provider = $null
        $drive = $null
        $file = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($literal, [ref] $provider, [ref] $drive)
        if ($provider.Name -ne 'FileSystem') {
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    [System.ArgumentException]::new("'$literal' is on the $($provider.Name) provider; audit logs are read from files."),
                    'AuditSift.NotAFile', [System.Management.Automation.ErrorCategory]::InvalidArgument, $literal))
            continue
        }
        if (-not [System.IO.File]::Exists($file)) {
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    [System.IO.FileNotFoundException]::new("The file '$file' does not exist.", $file),
                    'AuditSift.FileNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $literal))
            continue
        }
        $file
    }
}

function Resolve-AuditSiftReportPath {
    # The provider path of a file to write, checked as Export-Csv would: on the FileSystem provider,
    # in a folder that exists, not a folder itself; an existing file is refused with -NoClobber, and
    # a read-only one without -Force (with -Force and -ClearReadOnly its read-only attribute is
    # cleared, just before writing). Each refusal is a terminating error of $Cmdlet naming the path.
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)][string] $Path,
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet] $Cmdlet,
        [switch] $NoClobber,
        [switch] $Force,
        [switch] $ClearReadOnly
    )
    $provider = $null
    $drive = $null
    $resolved = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path, [ref] $provider, [ref] $drive)
    $refuse = {
        param([System.Exception] $Exception, [string] $Id, [System.Management.Automation.ErrorCategory] $Category)
        $Cmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($Exception, $Id, $Category, $Path))
    }
    if ($provider.Name -ne 'FileSystem') {
        & $refuse ([System.ArgumentException]::new("'$Path' is on the $($provider.Name) provider; the report is written to a file.")) `
            'AuditSift.NotAFile' ([System.Management.Automation.ErrorCategory]::InvalidArgument)
    }
    if ([System.IO.Directory]::Exists($resolved)) {
        & $refuse ([System.ArgumentException]::new("'$resolved' is a folder; give the path of the HTML file to write.")) `
            'AuditSift.NotAFile' ([System.Management.Automation.ErrorCategory]::InvalidArgument)
    }
    $folder = [System.IO.Path]::GetDirectoryName($resolved)
    if ($folder -and -not [System.IO.Directory]::Exists($folder)) {
        & $refuse ([System.IO.DirectoryNotFoundException]::new("The folder '$folder' does not exist.")) `
            'AuditSift.FolderNotFound' ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
    }
    if ([System.IO.File]::Exists($resolved)) {
        if ($NoClobber) {
            & $refuse ([System.IO.IOException]::new("The file '$resolved' already exists; -NoClobber leaves it as it is.")) `
                'AuditSift.FileExists' ([System.Management.Automation.ErrorCategory]::ResourceExists)
        }
        $attributes = [System.IO.File]::GetAttributes($resolved)
        if ($attributes -band [System.IO.FileAttributes]::ReadOnly) {
            if (-not $Force) {
                & $refuse ([System.UnauthorizedAccessException]::new("The file '$resolved' is read-only; use -Force to replace it.")) `
                    'AuditSift.FileReadOnly' ([System.Management.Automation.ErrorCategory]::PermissionDenied)
            }
            if ($ClearReadOnly) {
                (Get-Item -LiteralPath $resolved -Force).IsReadOnly = $false
            }
        }
    }
    return $resolved
}
